using Portal.Features.Setup.Demo;
using Portal.Hosting;

namespace Portal.Features.Setup;

public static class SetupFeature
{
    public static IServiceCollection AddSetupFeature(this IServiceCollection services)
    {
        services.AddScoped<SetupService>();
        services.AddScoped<ISetupWorkflow>(sp => sp.GetRequiredService<SetupService>());
        services.AddScoped<ISetupVerifier, WorkspaceOneSetupVerifier>();
        services.AddScoped<SimulatorConsole>();
        services.AddScoped<RunbookService>();
        services.AddScoped<SetupOverviewQuery>();
        services.AddScoped<Status.ISetupProgress, SetupProgress>();
        return services;
    }

    /// <summary>Demo mode: a tenant on the simulated region. Registered after the regions so their seeder runs first.</summary>
    public static IServiceCollection AddDemoMode(this IServiceCollection services)
    {
        services.AddScoped<IDataSeeder, DemoTenantSeeder>();
        return services;
    }
}
