using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Integrations.Egress;

public static class EgressServiceCollectionExtensions
{
    /// <summary>The egress guard and its options; safe to call from every feature that makes outbound calls.</summary>
    public static IServiceCollection AddEgressGuard(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<EgressOptions>().BindConfiguration(EgressOptions.SectionName).ValidateDataAnnotations();
        services.TryAddSingleton<IEgressResolver, DnsEgressResolver>();
        services.TryAddSingleton<EgressGuard>();
        return services;
    }
}
