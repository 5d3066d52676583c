using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Features.Audit;

public static class AuditFeature
{
    public static IServiceCollection AddAuditFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditAppender>();
        services.AddScoped<AuditContext>();
        services.AddScoped<CircuitHandler, AuditCircuitHandler>();
        services.AddScoped<IAuditSink, AuditService>();
        services.AddScoped<AuditQueryService>();
        services.AddSingleton<AuditRetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionService>());
        return services;
    }
}
