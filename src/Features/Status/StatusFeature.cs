using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Features.Status.Notifications;
using Portal.Integrations.Egress;

namespace Portal.Features.Status;

public static class StatusFeature
{
    public static IServiceCollection AddStatusFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<StatusOptions>().BindConfiguration(StatusOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.PortalBaseUrl) || o.PortalBase is not null,
                "Notifications:PortalBaseUrl must be empty or the portal's absolute https:// address as users open it, e.g. https://portal.example.com.");
        services.TryAddSingleton(TimeProvider.System);

        // The probe calls Workspace ONE through the integration clients; setup progress comes from the setup feature.
        services.AddScoped<IConnectionProbe, WorkspaceOneConnectionProbe>();
        services.TryAddScoped<ISetupProgress, NoSetupProgress>(); // the setup feature registers the real one first

        services.AddSingleton<StatusBroadcaster>();
        services.AddSingleton<StatusSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusSweeper>());
        services.AddScoped<StatusService>();
        services.AddSingleton<SharedStatusRows>();

        services.AddSingleton<NotificationOutbox>();
        services.TryAddSingleton<IRetryJitter, RandomRetryJitter>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddScoped<NotificationChannelService>();
        // Webhooks connect through the egress guard like every other outbound call, and follow no redirects.
        services.AddEgressGuard();
        services.AddHttpClient(NotificationDispatcher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<EgressGuard>().CreateHttpHandler());
        return services;
    }
}
