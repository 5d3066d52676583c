using Portal.Features.Regions;
using Portal.Features.Users;
using Portal.Integrations;
using Portal.Simulator;

namespace Portal.Hosting;

/// <summary>The built-in simulator's settings; whether it runs at all is <see cref="DemoOptions.Enabled"/>.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

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
        if (DemoOptions.IsEnabled(builder.Configuration))
        {
            // Outside demo mode the simulator's state is not even registered: nothing can reach it.
            builder.Services.AddWorkspaceOneSimulator();
            // The egress guard lets calls reach this portal's own address (where the simulator answers) in demo mode only.
            builder.Services.AddSingleton<Portal.Integrations.Egress.IEgressDemoEndpoint>(sp => sp.GetRequiredService<DemoAddress>());
        }

        return builder;
    }

    /// <summary>Mounts the simulator at <see cref="SimulatorOptions.PathPrefix"/> in demo mode only.</summary>
    public static WebApplication MapPortalSimulator(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SimulatorOptions>>().Value;
        if (!DemoOptions.IsEnabled(app.Configuration))
        {
            // Nothing of the demo answers: a plain 404 for everyone, signed in or not, instead of a sign-in redirect.
            app.Map(options.PathPrefix + "/{**path}", () => Results.NotFound()).AllowAnonymous();
            return app;
        }

        if (!app.Environment.IsDevelopment())
        {
            app.Logger.LogWarning(
                "Demo mode is on in the {Environment} environment: a Workspace ONE simulator answers at {Prefix} and a demo tenant is seeded. "
                + "Set Demo:Enabled=false (environment variable Demo__Enabled=false) for a production portal.",
                app.Environment.EnvironmentName, options.PathPrefix);
        }

        app.Services.GetRequiredService<SimulatorState>().UemTokenLifetime = TimeSpan.FromSeconds(options.UemTokenLifetimeSeconds);
        // Simulated Omnissa endpoints are anonymous (they check their own tokens); the operator API that creates
        // clients, injects faults and resets the simulator is for portal admins only.
        app.MapWorkspaceOneSimulator(options.PathPrefix, operatorApiRoles: Roles.Admin);
        return app;
    }
}
