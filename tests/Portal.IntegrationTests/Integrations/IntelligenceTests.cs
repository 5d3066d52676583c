using Microsoft.Extensions.DependencyInjection;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

public sealed class IntelligenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyAsync_DemoServiceAccount_TokenAndProbePass()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var results = await harness.Services.GetRequiredService<IntelligenceConnectionVerifier>().VerifyAsync(harness.DemoIntelligence(), Ct);

        results.ShouldAllBe(r => r.Ok);
        results.Count.ShouldBe(2);
        harness.State.RequestLog.Keys.ShouldContain("POST /oauth/token");
        harness.State.RequestLog.Keys.ShouldContain("POST /v2/metadata/entities");
    }

    [Fact]
    public async Task VerifyAsync_RegeneratedSecret_IntelligenceInvalidClient()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var results = await harness.Services.GetRequiredService<IntelligenceConnectionVerifier>().VerifyAsync(harness.DemoIntelligence("old-secret"), Ct);

        var failure = results.ShouldHaveSingleItem();
        failure.Ok.ShouldBeFalse();
        failure.Layer.ShouldBe(DiagnosisLayer.Intelligence);
        failure.Cause.ShouldBe(FailureCause.InvalidClient);
        failure.Evidence!.StatusCode.ShouldBe(401);
        failure.Fix!.ShouldContain("regenerated");
    }

    [Fact]
    public async Task SearchReportsAsync_Demo_ReturnsReportsAndReusesToken()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoIntelligence();

        var first = await harness.Intelligence.SearchReportsAsync(connection, new IntelligencePageRequest(0, 10), Ct);
        var probe = await harness.Intelligence.ProbeAsync(connection, Ct);

        first.Results.ShouldNotBeNull().ShouldNotBeEmpty();
        first.TotalCount.ShouldBe(1);
        probe.Results.ShouldNotBeNull().Count.ShouldBe(1);
        harness.State.CountRequests("/oauth/token").ShouldBe(1);
    }

    [Fact]
    public async Task ProbeAsync_TokenExpiredOnServer_RefreshesAndRetries()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoIntelligence();
        await harness.Intelligence.ProbeAsync(connection, Ct);
        harness.State.ExpireAllTokens();

        await harness.Intelligence.ProbeAsync(connection, Ct);

        harness.State.CountRequests("/oauth/token").ShouldBe(2);
    }

    [Fact]
    public async Task VerifyAsync_AuthHostUsedForApi_FailsWithApiHostFix()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var region = WorkspaceOneRegions.FindIntelligenceRegion("eu1")!;
        var connection = new IntelligenceConnection(region.TokenEndpoint, region.TokenEndpoint, "x", SecretString.Create("y"));

        var results = await harness.Services.GetRequiredService<IntelligenceConnectionVerifier>().VerifyAsync(connection, Ct);

        results.ShouldHaveSingleItem().Fix!.ShouldContain("https://api.eu1.data.workspaceone.com");
    }
}
