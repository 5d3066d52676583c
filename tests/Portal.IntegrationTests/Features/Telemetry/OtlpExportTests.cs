using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Portal.Features.Telemetry;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Telemetry;

/// <summary>
/// OTLP/HTTP export to a real collector stand-in on loopback: it goes through the egress guard, so loopback (like
/// any internal address) is reached only when Egress:AllowedNetworks opens it.
/// </summary>
public sealed class OtlpExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PortalAppFactory PortalExportingTo(LoopbackCollector collector) => new PortalAppFactory()
        .WithSetting("Status:SweepEnabled", "false")
        .WithSetting("Telemetry:Otlp:Endpoint", collector.BaseUrl);

    /// <summary>Makes a traced request, then flushes both pipelines: the export has been attempted when this returns.</summary>
    private static async Task TraceAndFlushAsync(PortalAppFactory portal)
    {
        using (var client = portal.CreatePortalClient())
        {
            using var _ = await client.Http.GetAsync("/Account/Login", Ct);
        }

        portal.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000);
        portal.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
    }

    [Fact]
    public async Task Export_ToAnInternalCollector_IsRefusedByTheEgressGuard_UntilItsNetworkIsAllowed()
    {
        await using var collector = await LoopbackCollector.StartAsync();
        await using (var guarded = PortalExportingTo(collector))
        {
            await guarded.InitializeAsync();
            await TraceAndFlushAsync(guarded);
        }

        var refusedRequests = collector.Requests.Count;
        await using var allowed = PortalExportingTo(collector).WithSetting("Egress:AllowedNetworks:0", "127.0.0.0/8");
        await allowed.InitializeAsync();
        await TraceAndFlushAsync(allowed);

        refusedRequests.ShouldBe(0); // the guard refused loopback: not one connection reached the collector
        collector.Requests.ShouldContain(r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf");
        collector.Requests.ShouldContain(r => r.Path == "/v1/metrics");
    }

    [Theory]
    [InlineData("otel-collector:4318")]
    [InlineData("ftp://otel-collector:4318")]
    [InlineData("http://user:secret@otel-collector:4318")]
    [InlineData("http://otel-collector:4318/?api-key=secret")]
    public void Settings_ABadEndpoint_IsRefusedNamingTheSettingAndTheFix(string endpoint)
    {
        var errors = Validate(new OtlpOptions { Endpoint = endpoint });

        errors.ShouldHaveSingleItem().ShouldStartWith("Telemetry:Otlp:Endpoint");
        errors[0].ShouldContain("e.g. http://otel-collector:4318"); // the fix: a bare collector address
        errors[0].ShouldNotContain("secret"); // the value is not echoed: it may hold credentials
    }

    [Theory]
    [InlineData("10.0.0.0/33", "Telemetry:Metrics:AllowedNetworks")]
    [InlineData("collector.local", "Telemetry:Metrics:AllowedNetworks")]
    public void Settings_ABadAllowedNetwork_IsRefusedNamingIt(string network, string setting)
    {
        var options = new MetricsOptions();
        options.AllowedNetworks.Add(network);

        Validate(options).ShouldHaveSingleItem().ShouldStartWith(setting);
    }

    [Theory]
    [InlineData("short-token")]
    [InlineData("a token with spaces in it that is long enough to pass")]
    public void Settings_AWeakScrapeToken_IsRefused(string token) =>
        Validate(new MetricsOptions { ScrapeToken = token }).ShouldHaveSingleItem().ShouldStartWith("Telemetry:Metrics:ScrapeToken");

    [Fact]
    public void Settings_Defaults_AreValid_MetricsOff_LoopbackOnly_NoExport()
    {
        var metrics = new MetricsOptions();
        var otlp = new OtlpOptions();

        Validate(metrics).ShouldBeEmpty();
        Validate(otlp).ShouldBeEmpty();
        metrics.Enabled.ShouldBeFalse();
        metrics.ParsedNetworks().Select(n => n.ToString()).ShouldBe(["127.0.0.0/8", "::1/128"]);
        otlp.IsEnabled.ShouldBeFalse();
    }

    private static List<string> Validate(object options)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }

    /// <summary>A Kestrel app on a free loopback port that accepts OTLP/HTTP posts and records what arrived.</summary>
    private sealed class LoopbackCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LoopbackCollector()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.MapPost("/v1/{signal}", (HttpContext http) =>
            {
                Requests.Enqueue((http.Request.Path.Value ?? "", http.Request.ContentType ?? ""));
                return Results.Ok();
            });
        }

        public ConcurrentQueue<(string Path, string ContentType)> Requests { get; } = new();

        public string BaseUrl => _app.Urls.First();

        public static async Task<LoopbackCollector> StartAsync()
        {
            var collector = new LoopbackCollector();
            await collector._app.StartAsync();
            return collector;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
