using Portal.Features.Setup.Demo;
using Portal.Features.Setup.Pipeline;
using Portal.Features.Setup.Steps.ApiKey;
using Portal.Features.Setup.Steps.Automation;
using Portal.Features.Setup.Steps.Client;
using Portal.Features.Setup.Steps.Confirm;
using Portal.Features.Setup.Steps.Intelligence;
using Portal.Features.Setup.Steps.Plan;
using Portal.Features.Setup.Steps.Skip;
using Portal.Features.Setup.Steps.Verify;
using Portal.Features.Regions;
using Portal.Hosting;

namespace Portal.Features.Setup;

public static class SetupFeature
{
    public static IServiceCollection AddSetupFeature(this IServiceCollection services)
    {
        services.AddScoped<SetupService>();
        services.AddScoped<ISetupWorkflow>(sp => sp.GetRequiredService<SetupService>());
        services.AddScoped<SetupStepPipeline>();
        services.AddScoped<ISetupVerifier, WorkspaceOneSetupVerifier>();
        services.AddScoped<RunbookService>();
        services.AddScoped<SetupOverviewQuery>();
        services.AddScoped<Status.ISetupProgress, SetupProgress>();

        // One line per step: its handler (the pipeline finds it by the type of its input).
        services.AddSetupStep<PlanHandler>();
        services.AddSetupStep<ClientCredentialsHandler>();
        services.AddSetupStep<ApiKeyHandler>();
        services.AddSetupStep<VerifyHandler>();
        services.AddSetupStep<IntelligenceHandler>();
        services.AddSetupStep<RevealSecretHandler>();
        services.AddSetupStep<LockDeviceHandler>();
        services.AddSetupStep<AutomationLockHandler>();
        services.AddSetupStep<IntelligenceRecheckHandler>();
        services.AddOptionsWithValidateOnStart<AutomationWatchOptions>().BindConfiguration(AutomationWatchOptions.SectionName).ValidateDataAnnotations();
        services.AddSetupStep<ConfirmHandler>();
        services.AddSetupStep<SkipHandler>();
        return services;
    }

    public static IServiceCollection AddSetupStep<THandler>(this IServiceCollection services)
        where THandler : class, ISetupStepHandler =>
        services.AddScoped<ISetupStepHandler, THandler>();

    /// <summary>
    /// Demo mode: a tenant on the simulated region, the simulator console and its command log. Outside demo mode the
    /// console is a no-op and no witness exists. Registered after the regions so their seeder runs first.
    /// </summary>
    public static IServiceCollection AddDemoMode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IDataSeeder, DemoTenantSeeder>();
        if (DemoOptions.IsEnabled(configuration))
        {
            services.AddScoped<SimulatorConsole>();
            services.AddScoped<ISimulatorConsole>(sp => sp.GetRequiredService<SimulatorConsole>());
            services.AddScoped<IDeviceCommandWitness, SimulatorCommandWitness>();
            services.AddSingleton<SimulatedIntelligenceState>();
            services.AddScoped<SimulatedIntelligenceConsole>();
        }
        else
        {
            services.AddScoped<ISimulatorConsole, NoSimulatorConsole>();
        }

        return services;
    }
}
