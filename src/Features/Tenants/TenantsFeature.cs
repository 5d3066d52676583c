using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Features.Tenants.Bulk;
using Portal.Features.Tenants.Import;
namespace Portal.Features.Tenants;

public static class TenantsFeature
{
    public static IServiceCollection AddTenantsFeature(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretFingerprints>();
        services.AddScoped<Hosting.IDataSeeder, SecretFingerprintKeySeeder>();
        services.AddScoped<TenantScope>();
        services.AddScoped<TenantScopeAdminService>();
        services.AddScoped<TenantSecretsService>();
        services.AddSingleton<BackgroundSecretUseLog>();
        services.AddScoped<TenantService>();
        services.AddScoped<CurrentTenantState>();
        services.AddTenantImportFeature();
        services.AddScoped<TenantBulkActions>();
        return services;
    }
}
