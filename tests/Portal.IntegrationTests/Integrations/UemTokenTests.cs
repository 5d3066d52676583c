using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

public sealed class UemTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ClientAuthStyle.FormBody)]
    [InlineData(ClientAuthStyle.BasicHeader)]
    public async Task RequestToken_EitherClientAuthStyle_ReturnsBearerToken(ClientAuthStyle style)
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection(style);

        var token = await harness.Services.GetRequiredService<UemTokenClient>()
            .RequestTokenAsync(connection.TokenUrl, connection.ClientId, connection.ClientSecret, style, Ct);

        token.TokenType.ShouldBe("Bearer");
        token.ExpiresInSeconds.ShouldBe(3600);
        harness.State.FindToken(token.AccessToken.Reveal()).ShouldNotBeNull();
    }

    [Theory]
    [InlineData(ClientAuthStyle.FormBody)]
    [InlineData(ClientAuthStyle.BasicHeader)]
    public async Task VerifyAsync_DemoTenantEitherAuthStyle_AllChecksPass(ClientAuthStyle style)
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var results = await harness.Verifier.VerifyAsync(harness.DemoConnection(style), new UemVerifyOptions(IncludeDeviceSearch: true, IncludeIntelligenceEula: true), Ct);

        results.ShouldAllBe(r => r.Ok && !r.IsWarning);
        results.Select(r => r.Check).ShouldBe(["Region", "Token", "System info", "Organisation group", "API keys", "Device search", "Intelligence EULA"]);
        results.Select(UemChecks.Of).ShouldBe(Enum.GetValues<UemCheck>().Cast<UemCheck?>()); // every result names its check
    }

    [Fact]
    public async Task GetTokenAsync_RepeatedCalls_ReusesTokenUntilExpiryMinusSkew()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await IntegrationsTestPortal.StartAsync(clock: clock, cancellationToken: Ct);
        var connection = harness.DemoConnection();

        var first = await harness.Tokens.GetTokenAsync(connection, Ct);
        await harness.Api.GetSystemInfoAsync(connection, Ct);
        await harness.Api.SearchDevicesAsync(connection, new UemDeviceQuery(), Ct);
        clock.Advance(TimeSpan.FromMinutes(54));
        var stillCached = await harness.Tokens.GetTokenAsync(connection, Ct);
        clock.Advance(TimeSpan.FromMinutes(2)); // 56 min: inside the 5-minute skew
        var refreshed = await harness.Tokens.GetTokenAsync(connection, Ct);
        await harness.Api.GetSystemInfoAsync(connection, Ct);

        stillCached.ShouldBeSameAs(first);
        refreshed.ShouldNotBeSameAs(first);
        refreshed.ExpiresAt.ShouldBe(clock.GetUtcNow().AddHours(1));
        harness.State.CountRequests("/connect/token").ShouldBe(2);
    }

    [Fact]
    public async Task GetTokenAsync_FiftyConcurrentCallers_OneTokenRequest()
    {
        // Generous attempt timeout: on a busy 2-core runner a timed-out attempt would be retried and counted.
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?>
        {
            ["Integrations:Resilience:AttemptTimeoutSeconds"] = "10",
            ["Integrations:Resilience:TotalTimeoutSeconds"] = "20",
            ["Integrations:Resilience:BreakerSamplingSeconds"] = "30",
        }, cancellationToken: Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.Latency, Target = SimFaultTarget.UemToken, DelayMilliseconds = 200, Remaining = 1 });
        var connection = harness.DemoConnection();

        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(() => harness.Api.GetSystemInfoAsync(connection, Ct), Ct));
        var results = await Task.WhenAll(calls);

        results.ShouldAllBe(r => r.ProductVersion == "26.4.0.0");
        harness.State.CountRequests("/connect/token").ShouldBe(1);
        harness.State.CountRequests("/API/system/info").ShouldBe(50);
    }

    [Fact]
    public async Task ApiCall_TokenExpiredOnServer_RefreshesOnceAndRetries()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        await harness.Api.GetSystemInfoAsync(connection, Ct);

        harness.State.ExpireAllTokens(); // the server now answers 401 1029 for the cached token
        var info = await harness.Api.GetSystemInfoAsync(connection, Ct);

        info.ProductName.ShouldBe("Workspace ONE UEM");
        harness.State.CountRequests("/connect/token").ShouldBe(2);
        harness.State.CountRequests("/API/system/info").ShouldBe(3);
    }

    [Fact]
    public async Task LockDeviceAsync_DemoDevice_Accepted202AndRecorded()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        await harness.Api.LockDeviceAsync(harness.DemoConnection(), SimulatorDemo.AntivirusOffDeviceId, Ct);

        var command = harness.State.Commands(SimulatorDemo.TenantHostKey).ShouldHaveSingleItem();
        command.DeviceId.ShouldBe(SimulatorDemo.AntivirusOffDeviceId);
        command.Command.ShouldBe("Lock");
        command.ClientId.ShouldBe(SimulatorDemo.ClientId);
    }

    [Fact]
    public async Task SearchGroups_V1AndV2_ReturnTheirOwnShapes()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();

        var v1 = await harness.SearchLocationGroupsAsync(connection, SimulatorDemo.GroupId, Ct);
        var v2 = await harness.Api.SearchOrganizationGroupsAsync(connection, SimulatorDemo.GroupId, Ct);

        v1.LocationGroups.ShouldNotBeNull().ShouldHaveSingleItem().Id!.Value.ShouldBe(SimulatorDemo.OrganizationGroupId);
        v1.Total.ShouldBe(1);
        var group = v2.OrganizationGroups.ShouldNotBeNull().ShouldHaveSingleItem();
        group.Id.ShouldBe(SimulatorDemo.OrganizationGroupId);
        group.Uuid.ShouldBe(SimulatorDemo.OrganizationGroupUuid);
        group.IsCustomerType.ShouldBeTrue();
        v2.TotalResults.ShouldBe(1);
    }

    [Fact]
    public async Task GetApiKeysAsync_DemoGroup_ListsClientAndKey()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var keys = await harness.Api.GetApiKeysAsync(harness.DemoConnection(), SimulatorDemo.OrganizationGroupUuid, Ct);

        keys.OAuthClients.ShouldNotBeNull().ShouldContain(c => c.ClientId == SimulatorDemo.ClientId);
        keys.ApiKeys.ShouldNotBeNull().ShouldContain(k => k.ApiKey!.Reveal() == SimulatorDemo.ApiKey);
        keys.ApiKeys![0].ToString().ShouldNotContain(SimulatorDemo.ApiKey);
    }

    [Fact]
    public async Task GetApiKeysAsync_AfterCalls_ReportsDailyUsageThatResetsNextDay()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        await using var harness = await IntegrationsTestPortal.StartAsync(clock: clock, cancellationToken: Ct);
        var connection = harness.DemoConnection();
        await harness.Api.GetSystemInfoAsync(connection, Ct);

        var today = await harness.Api.GetApiKeysAsync(connection, SimulatorDemo.OrganizationGroupUuid, Ct);
        clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await harness.Api.GetApiKeysAsync(connection, SimulatorDemo.OrganizationGroupUuid, Ct);

        today.OAuthClients!.Single(c => c.ClientId == SimulatorDemo.ClientId).DailyQuotaUsage.ShouldBe(3); // token + 2 calls
        today.ApiKeys!.Single().DailyQuotaUsage.ShouldBe(2);
        tomorrow.OAuthClients!.Single(c => c.ClientId == SimulatorDemo.ClientId).DailyQuotaUsage.ShouldBe(2); // new token + this call
    }
}
