using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Features.Audit;
using Portal.Hosting;

namespace Portal.Features.Regions;

public static class RegionsFeature
{
    public static IServiceCollection AddRegionsFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<DemoOptions>().BindConfiguration(DemoOptions.SectionName).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        // Temporary sink; the audit-trail feature registers its own implementation first and wins.
        services.TryAddScoped<IAuditSink, LogAuditSink>();
        services.AddScoped<RegionService>();
        services.AddScoped<IDataSeeder, RegionSeeder>();
        return services;
    }
}
