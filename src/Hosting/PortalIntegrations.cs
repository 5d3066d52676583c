using Portal.Integrations;
using Portal.Simulator;

namespace Portal.Hosting;

/// <summary>Simulator (demo mode) settings.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Mounts the Workspace ONE simulator inside the portal. On by default: it is the demo mode.</summary>
    public bool Enabled { get; set; } = true;

    [System.ComponentModel.DataAnnotations.Required]
    [System.ComponentModel.DataAnnotations.RegularExpression("^/[A-Za-z0-9_-]+$")]
    public string PathPrefix { get; set; } = "/simulator";

    [System.ComponentModel.DataAnnotations.Range(1, 86400)]
    public int UemTokenLifetimeSeconds { get; set; } = 3600;
}

/// <summary>Workspace ONE UEM and Intelligence clients, and the simulator for demo mode.</summary>
public static class PortalIntegrations
{
    public static WebApplicationBuilder AddPortalIntegrations(this WebApplicationBuilder builder)
    {
        builder.Services.AddWorkspaceOneIntegrations();
        builder.Services.AddOptionsWithValidateOnStart<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddWorkspaceOneSimulator();
        return builder;
    }

    /// <summary>Mounts the simulator at <see cref="SimulatorOptions.PathPrefix"/> when enabled (anonymous, no antiforgery).</summary>
    public static WebApplication MapPortalSimulator(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SimulatorOptions>>().Value;
        if (options.Enabled)
        {
            app.Services.GetRequiredService<SimulatorState>().UemTokenLifetime = TimeSpan.FromSeconds(options.UemTokenLifetimeSeconds);
            // Simulated Omnissa endpoints are anonymous (they check their own tokens); the operator API that creates
            // clients and injects faults needs a signed-in portal user.
            app.MapWorkspaceOneSimulator(options.PathPrefix, anonymousOperatorApi: false);
        }

        return app;
    }
}
