using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Portal.Hosting;

/// <summary>Serilog set-up: a bootstrap logger for start-up failures, then configuration from appsettings.</summary>
public static class PortalLogging
{
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture)
            .CreateLogger();

    public static WebApplicationBuilder AddPortalLogging(this WebApplicationBuilder builder)
    {
        // preserveStaticLogger keeps each host's logger independent, so several hosts in one test
        // process never race to freeze a shared static logger (serilog-aspnetcore#251).
        builder.Services.AddSerilog(
            (services, configuration) => configuration
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.With<SensitiveHeaderPropertyRemover>()
                .Destructure.With<SecretDestructuringPolicy>(),
            preserveStaticLogger: true);
        return builder;
    }

    public static WebApplication UsePortalRequestLogging(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<Serilog.ILogger>();
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = logger;
            // Query strings are never logged: the path is enough and keeps accidental secrets out.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPathNoQuery} responded {StatusCode} in {Elapsed:0.0} ms";
            options.EnrichDiagnosticContext = (diagnostics, http) =>
                diagnostics.Set("RequestPathNoQuery", http.Request.Path.Value ?? "/");
        });
        return app;
    }
}

/// <summary>Renders any <see cref="ISensitiveValue"/> as a redaction marker when it is destructured into a log event.</summary>
public sealed class SecretDestructuringPolicy : IDestructuringPolicy
{
    public bool TryDestructure(object value, ILogEventPropertyValueFactory propertyValueFactory, out LogEventPropertyValue result)
    {
        if (value is ISensitiveValue sensitive)
        {
            result = new ScalarValue(sensitive.ToString() ?? "***");
            return true;
        }

        result = null!;
        return false;
    }
}

/// <summary>
/// HttpClient's header logging (Trace) redacts sensitive headers in its message but also attaches every header's raw
/// value to the event as a property, where a structured sink would store the bearer token or API key: those go.
/// </summary>
public sealed class SensitiveHeaderPropertyRemover : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        foreach (var name in logEvent.Properties.Keys.Where(Portal.Integrations.IntegrationsServiceCollectionExtensions.SensitiveHeaders.Contains).ToList())
        {
            logEvent.RemovePropertyIfPresent(name);
        }
    }
}

/// <summary>Marks a value whose content must never reach a log, an audit entry or an export.</summary>
/// <remarks>Implementations override <see cref="object.ToString"/> to return only a safe description (e.g. a fingerprint).</remarks>
#pragma warning disable CA1040 // A marker interface is the point: the logging policy keys on the type.
public interface ISensitiveValue;
#pragma warning restore CA1040
