using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Portal.Features.Setup;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Status;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Telemetry;

/// <summary>
/// The real tracing pipeline (OTLP configured) with an in-memory exporter behind it: a status check against the simulator (client
/// secret, access token, API key on the wire), a webhook whose URL carries its secret, and a request with a secret in
/// its query string. None of those values may appear anywhere in an exported span.
/// </summary>
public sealed class TraceSecretTests : IAsyncLifetime
{
    private const string HookToken = "hook-path-SECRET-7f3a9c";
    private const string QuerySecret = "query-SECRET-b41e0d";

    private readonly TracedPortal _portal = new();
    private int _tenantId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        var run = (await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct)).Snapshot!.Run!;
        run = (await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct)).Snapshot!.Run!;
        run = (await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct)).Snapshot!.Run!;
        run = (await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct)).Snapshot!.Run!;
        foreach (var step in new[] { SetupStep.VerifyUem, SetupStep.AuthoriseIntelligence, SetupStep.ProveAutomation })
        {
            run = (await setup.SkipAsync(run.Id, run.Version, step, "Done earlier in the consoles", Ct)).Snapshot!.Run!;
        }

        (await setup.ConfirmAsync(run.Id, run.Version, SetupStep.Summary, null, Ct)).Snapshot!.Run!.IsFinished.ShouldBeTrue();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task CheckWebhookAndQueryString_LeaveNoSecretInAnyExportedSpan()
    {
        await using var hook = await LoopbackWebhook.StartAsync();
        var simulator = _portal.Services.GetRequiredService<SimulatorState>();
        simulator.ExpireAllTokens(); // the check below must request a fresh token with the client secret

        var statuses = await _portal.Services.GetRequiredService<StatusSweeper>().SweepAsync([_tenantId], Ct);
        await using (var admin = _portal.Services.ScopeFor("ada", Roles.Admin))
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            (await channels.SaveAsync(new ChannelEditModel { Name = "Traced hook", Kind = NotificationChannelKind.Webhook, NewWebhookUrl = hook.Url(HookToken) }, Ct)).ShouldBeNull();
            await channels.SendTestAsync((await channels.ListAsync(Ct)).Single(c => c.Name == "Traced hook").Id, Ct);
        }

        using (var client = _portal.CreatePortalClient())
        {
            using var _ = await client.Http.GetAsync($"/api/v1/tenants?access_token={QuerySecret}", Ct);
            using var __ = await client.Http.GetAsync($"/account/login?token={QuerySecret}", Ct);
        }

        await WaitForAsync(() => !hook.Received.IsEmpty, "the webhook was never delivered");
        await WaitForAsync(() => _portal.Spans.Snapshot().Any(s => s.Kind == ActivityKind.Client && Tag(s, "url.full")?.Contains(hook.Url("").Split("/hooks/")[0], StringComparison.Ordinal) == true),
            "no span for the webhook call");
        _portal.Services.GetRequiredService<TracerProvider>().ForceFlush(5000);

        statuses[_tenantId].ShouldBe(ConnectionStatus.Connected);
        // Listeners are process-wide: server spans of the test's own webhook receiver (another host) are not the portal's.
        var spans = _portal.Spans.Snapshot().Where(s => s.Kind != ActivityKind.Server || Equals(s.GetTagItem("server.port"), _portal.Port)).ToList();
        string[] secrets = [SimulatorDemo.ClientSecret, SimulatorDemo.ApiKey, HookToken, QuerySecret, .. simulator.IssuedTokenValues];
        simulator.IssuedTokenValues.ShouldNotBeEmpty();
        // The pipeline really traced the work: outbound calls, the simulator's server side, and EF Core commands.
        spans.ShouldContain(s => s.Kind == ActivityKind.Client && Tag(s, "url.full") != null);
        spans.ShouldContain(s => s.Kind == ActivityKind.Server && Tag(s, "url.path") != null && Tag(s, "url.path")!.Contains("/simulator/", StringComparison.Ordinal));
        spans.ShouldContain(s => s.Kind == ActivityKind.Client && (s.GetTagItem("db.system") ?? s.GetTagItem("db.system.name")) != null);
        foreach (var span in spans)
        {
            var texts = Texts(span).ToList();
            foreach (var secret in secrets)
            {
                texts.ShouldNotContain(t => t.Contains(secret, StringComparison.Ordinal), $"span '{span.DisplayName}' ({span.Source.Name}) carries a secret");
            }

            span.TagObjects.ShouldNotContain(t => t.Key.Contains("parameter", StringComparison.OrdinalIgnoreCase), $"span '{span.DisplayName}' records query parameters");
            span.TagObjects.ShouldNotContain(t => t.Key == "url.query", $"span '{span.DisplayName}' records a query string");
        }
    }

    [Fact]
    public async Task RealCheck_CountsTheTokenRequestItMade()
    {
        _portal.Services.GetRequiredService<SimulatorState>().ExpireAllTokens();
        _portal.Services.GetRequiredService<Portal.Integrations.AccessTokenCache>().ForgetClient(SimulatorDemo.ClientId); // no cached token: the check must ask

        (await _portal.Services.GetRequiredService<StatusSweeper>().SweepAsync([_tenantId], Ct))[_tenantId].ShouldBe(ConnectionStatus.Connected);
        using var client = _portal.CreatePortalClient();
        var samples = PrometheusText.Parse(await client.Http.GetStringAsync("/metrics", Ct));

        samples.Sum("portal_token_requests_total", ("outcome", "issued")).ShouldBeGreaterThanOrEqualTo(1);
        samples.Sum("portal_checks_total", ("outcome", "Passed")).ShouldBeGreaterThanOrEqualTo(4);
    }

    /// <summary>Everything a span exports as text: name, status, tags, events, links and baggage.</summary>
    private static IEnumerable<string> Texts(Activity span)
    {
        yield return span.DisplayName;
        yield return span.OperationName;
        yield return span.StatusDescription ?? "";
        foreach (var tag in span.TagObjects)
        {
            yield return $"{tag.Key}={tag.Value}";
        }

        foreach (var e in span.Events)
        {
            yield return e.Name;
            foreach (var tag in e.Tags)
            {
                yield return $"{tag.Key}={tag.Value}";
            }
        }

        foreach (var link in span.Links)
        {
            foreach (var tag in link.Tags ?? [])
            {
                yield return $"{tag.Key}={tag.Value}";
            }
        }

        foreach (var item in span.Baggage)
        {
            yield return $"{item.Key}={item.Value}";
        }
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key) as string;

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, failure);
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>The real portal with an in-memory span exporter appended to its tracing pipeline (after the redaction).</summary>
    private sealed class TracedPortal : PortalAppFactory
    {
        public TracedPortal()
        {
            WithSetting("Status:SweepEnabled", "false");
            WithSetting("Egress:AllowedNetworks:0", "127.0.0.0/8"); // the webhook receiver listens on loopback
            WithSetting("Notifications:PollSeconds", "1");
            WithSetting("Telemetry:Metrics:Enabled", "true"); // loopback may scrape: the tests connect from loopback
            // Spans are recorded only when they have an OTLP destination; this one (link-local) the egress guard refuses,
            // so the in-memory exporter beside it sees exactly what a collector would have been sent.
            WithSetting("Telemetry:Otlp:Endpoint", "http://169.254.0.10:4318");
        }

        public LockedCollection<Activity> Spans { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
        }
    }

    /// <summary>Exports arrive on many threads while the test reads: a collection that locks.</summary>
    public sealed class LockedCollection<T> : ICollection<T>
    {
        private readonly List<T> _items = [];
        private readonly Lock _gate = new();

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public IReadOnlyList<T> Snapshot()
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_gate)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_gate)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
