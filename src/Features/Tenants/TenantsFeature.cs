using Microsoft.Extensions.DependencyInjection.Extensions;
namespace Portal.Features.Tenants;

public static class TenantsFeature
{
    /// <summary>Every portal role reads tenants; <c>[Authorize(Roles = ...)]</c> needs a constant.</summary>
    public const string ReaderRoles = Users.Roles.Helpdesk + "," + Users.Roles.TeamLead + "," + Users.Roles.Auditor + "," + Users.Roles.Admin;

    public static IServiceCollection AddTenantsFeature(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TenantScope>();
        services.AddScoped<TenantScopeAdminService>();
        services.AddScoped<TenantSecretsService>();
        services.AddScoped<TenantService>();
        services.AddScoped<CurrentTenantState>();
        return services;
    }
}
