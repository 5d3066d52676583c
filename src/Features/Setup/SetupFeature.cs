namespace Portal.Features.Setup;

public static class SetupFeature
{
    public static IServiceCollection AddSetupFeature(this IServiceCollection services)
    {
        services.AddScoped<SetupService>();
        services.AddScoped<ISetupVerifier, WorkspaceOneSetupVerifier>();
        return services;
    }
}
