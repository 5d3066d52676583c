namespace Portal.Features.Users;

public static class UsersFeature
{
    public static IServiceCollection AddUsersFeature(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<SignInService>();
        services.AddScoped<MfaService>();
        return services;
    }
}
