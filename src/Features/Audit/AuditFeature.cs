using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Features.Audit;

public static class AuditFeature
{
    public static IServiceCollection AddAuditFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditCheckpointWriter>();
        services.AddSingleton<AuditVerifier>();
        services.AddHostedService<AuditCheckpointTimer>();
        services.AddScoped<Hosting.IDataSeeder, AuditChainStartupCheck>();
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

/// <summary>Loads the chain key at start-up (after migrations), so a missing key stops the portal before it serves anyone.</summary>
internal sealed class AuditChainStartupCheck(IServiceProvider services) : Hosting.IDataSeeder
{
    public Task SeedAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<AuditChain>();
        return Task.CompletedTask;
    }
}
