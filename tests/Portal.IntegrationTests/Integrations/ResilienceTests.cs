using System.Diagnostics;
using Portal.Integrations;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

public sealed class ResilienceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CircuitBreaker_OneHostFailing_OpensForThatHostOnly()
    {
        await using var healthy = await SimulatorProgram.StartAsync(cancellationToken: Ct);
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?>
        {
            ["Integrations:Resilience:BreakerMinimumThroughput"] = "2",
            ["Integrations:Resilience:BreakerFailureRatio"] = "0.5",
            ["Integrations:Resilience:MaxRetryAttempts"] = "1",
            [IntegrationsTestPortal.AllowLoopback.Key] = IntegrationsTestPortal.AllowLoopback.Value, // the second host is a standalone simulator on loopback
        }, cancellationToken: Ct);
        var failing = harness.DemoConnection();
        var other = failing with
        {
            TokenUrl = healthy.TokenUrl(SimulatorDemo.TenantRegion),
            RestApiUrl = healthy.RestApiUrl(SimulatorDemo.TenantHostKey),
        };
        await harness.Api.GetSystemInfoAsync(failing, Ct); // token cached before the host starts failing
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.ServerError, Target = SimFaultTarget.UemApi, StatusCode = 500 });

        var kinds = new List<IntegrationFailureKind>();
        for (var i = 0; i < 4; i++)
        {
            var ex = await Should.ThrowAsync<IntegrationException>(() => harness.Api.GetSystemInfoAsync(failing, Ct));
            kinds.Add(ex.Kind);
        }

        var requestsWhileOpen = harness.State.CountRequests("/API/system/info");
        var watch = Stopwatch.StartNew();
        var info = await harness.Api.GetSystemInfoAsync(other, Ct);
        watch.Stop();

        kinds[^1].ShouldBe(IntegrationFailureKind.CircuitOpen);
        requestsWhileOpen.ShouldBeLessThanOrEqualTo(3); // 1 healthy call + the failures that opened the breaker
        var open = Should.Throw<IntegrationException>(() => harness.Api.GetSystemInfoAsync(failing, Ct));
        ConnectionDiagnosis.Diagnose("System info", DiagnosisLayer.ApiAuthentication, open).Cause.ShouldBe(FailureCause.HostTemporarilyBlocked);
        harness.State.CountRequests("/API/system/info").ShouldBe(requestsWhileOpen); // open breaker: no calls reach the failing host
        info.ProductName.ShouldNotBeNull();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ApiCall_ClientError_NotRetried()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();

        await Should.ThrowAsync<IntegrationException>(() => harness.Api.GetApiKeysAsync(connection, Guid.NewGuid(), Ct));

        harness.State.CountRequests("/api-keys").ShouldBe(1);
    }

    [Fact]
    public async Task ApiCall_TransientServerError_RetriedThenSucceeds()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        await harness.Tokens.GetTokenAsync(connection, Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.ServerError, Target = SimFaultTarget.UemApi, Remaining = 1 });

        var info = await harness.Api.GetSystemInfoAsync(connection, Ct);

        info.ProductName.ShouldNotBeNull();
        harness.State.CountRequests("/API/system/info").ShouldBe(2);
        harness.State.CountRequests("/connect/token").ShouldBe(1); // retries never fetch tokens
    }
}
