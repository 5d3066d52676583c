using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Integrations;
using Portal.Integrations.Egress;
using Portal.Integrations.Uem;

namespace Portal.IntegrationTests.Integrations;

/// <summary>The fence at connect time, against real listeners on this machine. Nothing is ever sent to 10.x or 169.254.x: the guard refuses first.</summary>
public sealed class EgressGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Maps names to fixed answers and counts look-ups; anything else is an unknown host.</summary>
    private sealed class ScriptedResolver(Func<string, int, IPAddress[]> answer) : IEgressResolver
    {
        private int _lookups;

        public int Lookups => _lookups;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult(answer(host, Interlocked.Increment(ref _lookups)));
    }

    private sealed class DemoEndpoint(Uri baseUrl) : IEgressDemoEndpoint
    {
        public Uri BaseUrl => baseUrl;
    }

    private static ServiceProvider Services(IEgressResolver? resolver = null, IEgressDemoEndpoint? demo = null, params string[] allowed)
    {
        var settings = allowed.Select((n, i) => new KeyValuePair<string, string?>($"Egress:AllowedNetworks:{i}", n));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        if (resolver is not null)
        {
            services.AddSingleton(resolver);
        }

        if (demo is not null)
        {
            services.AddSingleton(demo);
        }

        services.AddEgressGuard();
        return services.BuildServiceProvider();
    }

    private static TcpListener Listen(IPAddress address, int port = 0)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        return listener;
    }

    private static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is loopback")]
    [InlineData("[::1]", "::1 is loopback")]
    [InlineData("localhost", "is loopback")]
    public async Task Connect_Loopback_RefusedAndListenerSeesNothing(string host, string expected)
    {
        var address = host == "[::1]" ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        using var listener = Listen(address);
        await using var services = Services();

        var refused = await Should.ThrowAsync<EgressRefusedException>(() => services.GetRequiredService<EgressGuard>().ConnectAsync(host, PortOf(listener), Ct));

        refused.Message.ShouldContain(expected);
        refused.Message.ShouldContain("Egress:AllowedNetworks");
        listener.Pending().ShouldBeFalse(); // a connection made before the throw would already be queued here
    }

    [Theory]
    [InlineData("10.0.0.1", "a private network address (RFC 1918)")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("fe80::1", "link-local")]
    public async Task Connect_InternalAddress_RefusedBeforeAnyConnection(string host, string rule)
    {
        var resolver = new ScriptedResolver((_, _) => throw new InvalidOperationException("IP literals are never looked up"));
        await using var services = Services(resolver);

        var refused = await Should.ThrowAsync<EgressRefusedException>(() => services.GetRequiredService<EgressGuard>().ConnectAsync(host, 80, Ct));

        refused.Message.ShouldContain(rule);
        refused.Address.ShouldNotBeNull();
        resolver.Lookups.ShouldBe(0);
    }

    [Fact]
    public async Task Connect_NameResolvingToLoopback_Refused()
    {
        using var listener = Listen(IPAddress.Loopback);
        var resolver = new ScriptedResolver((host, _) => host == "evil.test" ? [IPAddress.Loopback] : []);
        await using var services = Services(resolver);

        var refused = await Should.ThrowAsync<EgressRefusedException>(() => services.GetRequiredService<EgressGuard>().ConnectAsync("evil.test", PortOf(listener), Ct));

        refused.Message.ShouldStartWith("Refused by the egress guard: evil.test resolves to 127.0.0.1, which is loopback (this machine).");
        listener.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task Connect_AllowList_OpensTheNetwork()
    {
        using var listener = Listen(IPAddress.Loopback);
        await using var services = Services(null, null, "127.0.0.0/8");

        using var socket = await services.GetRequiredService<EgressGuard>().ConnectAsync("127.0.0.1", PortOf(listener), Ct);
        using var accepted = await listener.AcceptSocketAsync(Ct);

        accepted.RemoteEndPoint.ShouldBe(socket.LocalEndPoint);
    }

    [Fact]
    public async Task Connect_DemoMode_AllowsOnlyThePortalsOwnAddress()
    {
        using var portal = Listen(IPAddress.Loopback);
        using var database = Listen(IPAddress.Loopback);
        await using var services = Services(demo: new DemoEndpoint(new Uri($"http://127.0.0.1:{PortOf(portal)}/")));
        var guard = services.GetRequiredService<EgressGuard>();

        using (await guard.ConnectAsync("127.0.0.1", PortOf(portal), Ct))
        {
            using var accepted = await portal.AcceptSocketAsync(Ct);
        }

        await Should.ThrowAsync<EgressRefusedException>(() => guard.ConnectAsync("127.0.0.1", PortOf(database), Ct));
        database.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task Connect_DnsRebinding_ConnectsToTheCheckedAddressOnly()
    {
        // 127.0.0.2 is allowed (a lab); a second look-up would say 127.0.0.1. The guard looks up once and connects to what it checked.
        using var lab = Listen(IPAddress.Parse("127.0.0.2"));
        using var victim = Listen(IPAddress.Loopback, PortOf(lab));
        var resolver = new ScriptedResolver((_, lookup) => lookup == 1 ? [IPAddress.Parse("127.0.0.2")] : [IPAddress.Loopback]);
        await using var services = Services(resolver, null, "127.0.0.2/32");

        using var socket = await services.GetRequiredService<EgressGuard>().ConnectAsync("rebind.test", PortOf(lab), Ct);
        using var accepted = await lab.AcceptSocketAsync(Ct);

        resolver.Lookups.ShouldBe(1);
        ((IPEndPoint)socket.RemoteEndPoint!).Address.ShouldBe(IPAddress.Parse("127.0.0.2"));
        victim.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task UemVerify_TokenUrlResolvingToLoopback_DiagnosedOnceNotRetried()
    {
        using var listener = Listen(IPAddress.Loopback);
        var resolver = new ScriptedResolver((host, _) => host == "evil.test" ? [IPAddress.Loopback] : []);
        await using var harness = await IntegrationsTestPortal.StartAsync(
            new Dictionary<string, string?> { ["Egress:AllowedNetworks:0"] = "" }, cancellationToken: Ct,
            configureServices: services => services.AddSingleton<IEgressResolver>(resolver));
        var connection = harness.DemoConnection() with { TokenUrl = new Uri($"http://evil.test:{PortOf(listener)}/connect/token") };

        var results = await harness.Verifier.VerifyAsync(connection, new UemVerifyOptions(), Ct);

        var failure = results.Where(r => !r.Ok).ShouldHaveSingleItem();
        failure.Layer.ShouldBe(DiagnosisLayer.Connectivity);
        failure.Cause.ShouldBe(FailureCause.EgressRefused);
        failure.Summary.ShouldBe("Refused by the egress guard: evil.test resolves to 127.0.0.1, which is loopback (this machine). To allow a lab network add it to Egress:AllowedNetworks.");
        failure.Fix!.ShouldContain("Egress:AllowedNetworks");
        resolver.Lookups.ShouldBe(1); // MaxRetryAttempts is 2: a retry would have looked the name up again
        listener.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task RepeatedRefusals_DoNotOpenTheBreaker_DiagnosisStaysTheRefusal()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?>
        {
            ["Egress:AllowedNetworks:0"] = "",
            ["Integrations:Resilience:BreakerMinimumThroughput"] = "2",
        }, cancellationToken: Ct);
        var connection = harness.DemoConnection() with { TokenUrl = new Uri("http://169.254.169.254/connect/token") };

        for (var i = 0; i < 6; i++)
        {
            var failure = await Should.ThrowAsync<IntegrationException>(() => harness.Tokens.GetTokenAsync(connection, Ct));
            failure.Kind.ShouldBe(IntegrationFailureKind.EgressRefused);
        }
    }

    [Fact]
    public async Task IntelligenceCall_ToCloudMetadata_RefusedAsIntegrationException()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?> { ["Egress:AllowedNetworks:0"] = "" }, cancellationToken: Ct);
        var connection = harness.DemoIntelligence() with { TokenEndpoint = new Uri("http://169.254.169.254/latest/meta-data/iam/security-credentials/") };

        var failure = await Should.ThrowAsync<IntegrationException>(() => harness.Intelligence.GetTokenAsync(connection, Ct));

        failure.Kind.ShouldBe(IntegrationFailureKind.EgressRefused);
        failure.Message.ShouldBe("Refused by the egress guard: 169.254.169.254 is link-local (cloud metadata). To allow a lab network add it to Egress:AllowedNetworks.");
    }

    [Fact]
    public async Task Portal_OwnSimulatorOnLoopback_ReachableInDemoMode()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        (await harness.Tokens.GetTokenAsync(harness.DemoConnection(), Ct)).ShouldNotBeNull();
    }
}
