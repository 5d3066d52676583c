using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Hosting;

namespace Portal.Features.Regions;

public static class RegionsFeature
{
    public static IServiceCollection AddRegionsFeature(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<DemoOptions>().BindConfiguration(DemoOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.PublicBaseUrl is null || (o.PublicBaseUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)),
                "Demo:PublicBaseUrl must be empty (the address the portal listens on) or an absolute http:// or https:// address of this portal, e.g. https://portal.example.com.");
        services.AddSingleton<DemoAddress>();
        services.AddSingleton<RegionCache>();
        services.AddScoped<RegionService>();
        services.AddScoped<IDataSeeder, RegionSeeder>();
        return services;
    }
}
