using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Data;

namespace Portal.Features.Cluster;

/// <summary>Coordination between instances: the background-work lease (every provider) and the change backplane (PostgreSQL).</summary>
public static class ClusterFeature
{
    public static IServiceCollection AddClusterFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<BackgroundWorkLease>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundWorkLease>());
        if (DatabaseOptions.ProviderFrom(configuration) == DatabaseProvider.Postgres)
        {
            services.AddSingleton<PostgresClusterBus>();
            services.AddSingleton<IClusterBus>(sp => sp.GetRequiredService<PostgresClusterBus>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresClusterBus>());
        }
        else
        {
            services.AddSingleton<IClusterBus, SingleInstanceBus>();
        }

        return services;
    }
}
