using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Features.Audit;

namespace Portal.Features.Tenants;

public static class TenantsFeature
{
    public static IServiceCollection AddTenantsFeature(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<IAuditSink, LogAuditSink>();
        services.AddScoped<TenantScope>();
        services.AddScoped<TenantScopeAdminService>();
        services.AddScoped<TenantSecretsService>();
        services.AddScoped<TenantService>();
        services.AddScoped<CurrentTenantState>();
        return services;
    }
}
