using Portal.Hosting;
using Serilog;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args); // container HEALTHCHECK: the runtime image has no curl
}

Log.Logger = PortalLogging.CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseDefaultPortalUrl();
    builder.AddPortalLogging();
    builder.AddPortalData();
    builder.AddPortalAuth();
    builder.AddPortalIntegrations();
    builder.AddPortalHsts();
    builder.AddPortalReverseProxy();
    builder.AddPortalFeatures();
    builder.AddPortalUi();

    var app = builder.Build();
    await app.PreparePortalAsync();
    await app.RunAsync();
    return 0;
}
catch (PortalStartupException ex)
{
    // An operator-fixable problem: a plain sentence, no stack trace.
    await Console.Error.WriteLineAsync($"Connector Portal cannot start: {ex.Message}");
    return 1;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Connector Portal cannot start: a setting is invalid. {string.Join(" ", ex.Failures)}");
    return 1;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "Connector Portal terminated unexpectedly");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
