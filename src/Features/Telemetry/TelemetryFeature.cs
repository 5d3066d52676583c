using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portal.Integrations;
using Portal.Integrations.Egress;

namespace Portal.Features.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics (ASP.NET Core, HttpClient, EF Core, the runtime, Blazor circuits and the portal's
/// own <c>portal_…</c> instruments), exported over OTLP when an endpoint is set and scraped at <c>/metrics</c> when
/// enabled; and the background-work health check at <see cref="BackgroundHealthPath"/>.
/// </summary>
public static class TelemetryFeature
{
    public const string BackgroundHealthPath = "/health/background";

    public const string BackgroundHealthTag = "background";

    private const string TraceExporterName = "portal-otlp-traces";
    private const string MetricExporterName = "portal-otlp-metrics";

    // .NET 10's Blazor instrumentation: navigation and events, component lifecycle, and server circuits.
    private static readonly string[] BlazorMeters = ["Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle", "Microsoft.AspNetCore.Components.Server.Circuits"];
    private static readonly string[] BlazorSources = ["Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits"];

    public static IServiceCollection AddTelemetryFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<OtlpOptions>().BindConfiguration(OtlpOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<PortalMetrics>();
        services.AddSingleton<TenantStatusGauge>();
        services.AddHealthChecks().AddCheck<BackgroundWorkHealthCheck>("background-work", tags: [BackgroundHealthTag]);
        services.AddEgressGuard();

        // Which exporters exist is decided at registration, from the same sections the validated options above bind.
        var otlp = configuration.GetSection(OtlpOptions.SectionName).Get<OtlpOptions>() ?? new OtlpOptions();
        var scrape = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        if (!otlp.IsEnabled && !scrape.Enabled)
        {
            return services; // nothing would leave the process: record nothing (the portal_ instruments stay no-ops)
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(otlp.ServiceName));
        if (otlp.IsEnabled)
        {
            // Spans only have somewhere to go over OTLP.
            telemetry.WithTracing(tracing => tracing.AddSource(BlazorSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                // Statement text only: this version records no parameter values (secrets travel as parameters).
                .AddEntityFrameworkCoreInstrumentation()
                .AddProcessor(new SpanRedaction()) // before any exporter, the tests' included
                .AddOtlpExporter(TraceExporterName, configure: null));
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(PortalMeter.Name, "Microsoft.EntityFrameworkCore")
                .AddMeter(BlazorMeters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation();
            if (scrape.Enabled)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp.IsEnabled)
            {
                metrics.AddOtlpExporter(MetricExporterName, configure: null);
            }
        });
        services.ConfigureOpenTelemetryMeterProvider((sp, builder) =>
        {
            // Meters made through another host's IMeterFactory (several portals in one test process) are not ours.
            var own = sp.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own) ? MetricStreamConfiguration.Drop : null);
        });
        ConfigureOtlp(services, TraceExporterName, "traces");
        ConfigureOtlp(services, MetricExporterName, "metrics");
        return services;
    }

    /// <summary>OTLP/HTTP exports go through the egress guard like every other outbound call (gRPC cannot: see the README).</summary>
    private static void ConfigureOtlp(IServiceCollection services, string name, string signal) =>
        services.AddOptions<OtlpExporterOptions>(name).Configure<IOptions<OtlpOptions>, EgressGuard>((exporter, settings, egress) =>
        {
            if (!settings.Value.IsEnabled)
            {
                return;
            }

            exporter.Endpoint = settings.Value.SignalEndpoint(signal);
            exporter.Protocol = settings.Value.Protocol == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            var timeout = TimeSpan.FromMilliseconds(exporter.TimeoutMilliseconds);
            exporter.HttpClientFactory = () => new HttpClient(egress.CreateHttpHandler()) { Timeout = timeout };
        });

    /// <summary>Maps the background-work health endpoint and, when enabled, the guarded Prometheus scrape endpoint.</summary>
    public static WebApplication MapTelemetryEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetRequiredService<TenantStatusGauge>(); // created up front, so OTLP exports it even without scrapes
        app.MapHealthChecks(BackgroundHealthPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(BackgroundHealthTag),
            ResponseWriter = WriteStatusAndReasonAsync,
        }).AllowAnonymous();
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled)
        {
            // Anonymous for the authorization middleware; the gate in the branch decides by network or scrape token.
            app.MapPrometheusScrapingEndpoint(MetricsOptions.Path, meterProvider: null, configureBranchedPipeline: branch => branch.UseMiddleware<MetricsScrapeGate>(), optionsName: null)
                .AllowAnonymous();
        }

        return app;
    }

    private static bool IsScrapeOrProbe(PathString path) => path.StartsWithSegments(MetricsOptions.Path) || path.StartsWithSegments("/health");

    /// <summary>"Healthy: this instance runs the background work; …": the reason an operator can act on, no stack trace.</summary>
    private static Task WriteStatusAndReasonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = string.Join(" ", report.Entries.Values.Select(e => e.Description).Where(d => !string.IsNullOrEmpty(d)));
        return context.Response.WriteAsync(reasons.Length == 0 ? report.Status.ToString() : $"{report.Status}: {reasons}");
    }
}
