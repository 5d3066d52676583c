using System.Diagnostics;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

/// <summary>Every diagnosis produced from the matching real simulator behaviour or fault.</summary>
public sealed class UemDiagnosisTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<DiagnosedCheck> FailureAsync(IntegrationsTestPortal harness, UemConnection connection, UemVerifyOptions? options = null)
    {
        var results = await harness.Verifier.VerifyAsync(connection, options ?? new UemVerifyOptions(), Ct);
        var failure = results.Where(r => !r.Ok).ShouldHaveSingleItem();
        failure.Fix.ShouldNotBeNullOrWhiteSpace();
        return failure;
    }

    [Fact]
    public async Task VerifyAsync_UnknownHost_ConnectivityUnknownHost()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection() with { TokenUrl = new Uri("https://na.uemauth.nonexistent.invalid/connect/token") };

        var failure = await FailureAsync(harness, connection);

        failure.Layer.ShouldBe(DiagnosisLayer.Connectivity);
        failure.Cause.ShouldBe(FailureCause.UnknownHost);
        failure.Evidence!.Host.ShouldBe("na.uemauth.nonexistent.invalid");
    }

    [Fact]
    public async Task VerifyAsync_HttpsToPlainHttpPort_ConnectivityTlsFailure()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var tls = new UriBuilder(harness.Simulator.TokenUrl(SimulatorDemo.TenantRegion)) { Scheme = "https" }.Uri;

        var failure = await FailureAsync(harness, harness.DemoConnection() with { TokenUrl = tls });

        failure.Layer.ShouldBe(DiagnosisLayer.Connectivity);
        failure.Cause.ShouldBe(FailureCause.TlsFailure);
    }

    [Fact]
    public async Task VerifyAsync_ServerNeverAnswers_ConnectivityTimeout()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?> { ["Integrations:Resilience:AttemptTimeoutSeconds"] = "0.5" }, cancellationToken: Ct);
        var connection = harness.DemoConnection();
        await harness.Tokens.GetTokenAsync(connection, Ct); // token first: only the API host hangs
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.Timeout, Target = SimFaultTarget.UemApi });

        var failure = await FailureAsync(harness, connection);

        failure.Check.ShouldBe("System info");
        failure.Layer.ShouldBe(DiagnosisLayer.Connectivity);
        failure.Cause.ShouldBe(FailureCause.Timeout);
    }

    [Theory]
    [InlineData("regions/na/connect/token/")]
    [InlineData("regions/na/connect")]
    public async Task VerifyAsync_BadTokenPath_TokenUrlNotFound(string path)
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var failure = await FailureAsync(harness, harness.DemoConnection() with { TokenUrl = new Uri(harness.Simulator.BaseUri, path) });

        failure.Layer.ShouldBe(DiagnosisLayer.TokenExchange);
        failure.Cause.ShouldBe(FailureCause.TokenUrlNotFound);
        failure.Evidence!.StatusCode.ShouldBe(404);
        failure.Fix!.ShouldContain("no trailing slash");
    }

    [Theory]
    [InlineData(ClientAuthStyle.FormBody)]
    [InlineData(ClientAuthStyle.BasicHeader)]
    public async Task VerifyAsync_WrongSecretPastedWithWhitespace_InvalidClientMentionsWhitespace(ClientAuthStyle style)
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection(style) with { ClientSecret = SecretString.Create(" wrong-secret\n") };

        var failure = await FailureAsync(harness, connection);

        failure.Layer.ShouldBe(DiagnosisLayer.TokenExchange);
        failure.Cause.ShouldBe(FailureCause.InvalidClient);
        failure.Evidence!.ErrorCode.ShouldBe("invalid_client");
        failure.Fix!.ShouldContain("spaces or line breaks");
    }

    [Fact]
    public async Task VerifyAsync_DisabledClient_InvalidClientMentionsDisabled()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection() with { ClientId = SimulatorDemo.DisabledClientId, ClientSecret = SecretString.Create(SimulatorDemo.DisabledClientSecret) };

        var failure = await FailureAsync(harness, connection);

        failure.Cause.ShouldBe(FailureCause.InvalidClient);
        failure.Fix!.ShouldContain("disabled");
    }

    [Fact]
    public async Task VerifyAsync_ClientCreatedInOtherRegion_InvalidClientNamesApiRegion()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        // EMEA tenant and client, but the NA token service.
        var connection = new UemConnection(
            harness.Simulator.TokenUrl("na"),
            harness.Simulator.RestApiUrl(SimulatorDemo.EmeaTenantHostKey),
            SimulatorDemo.EmeaClientId,
            SecretString.Create(SimulatorDemo.EmeaClientSecret),
            OrganizationGroupId: SimulatorDemo.EmeaGroupId,
            ApiRegionCode: SimulatorDemo.EmeaRegion);

        var results = await harness.Verifier.VerifyAsync(connection, null, Ct);

        results[0].IsWarning.ShouldBeTrue(); // the region pre-check already flags the pairing
        var failure = results.Where(r => !r.Ok).ShouldHaveSingleItem();
        failure.Cause.ShouldBe(FailureCause.InvalidClient);
        failure.Fix!.ShouldContain("'emea'");
    }

    [Fact]
    public async Task VerifyAsync_TokenFromOtherRegionOnTenant_WrongRegionToken1024()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        // An NA-issued token (demo client) presented to the EMEA tenant's API host.
        var connection = harness.DemoConnection() with { RestApiUrl = harness.Simulator.RestApiUrl(SimulatorDemo.EmeaTenantHostKey), ApiRegionCode = SimulatorDemo.EmeaRegion };

        var failure = await FailureAsync(harness, connection);

        failure.Layer.ShouldBe(DiagnosisLayer.ApiAuthentication);
        failure.Cause.ShouldBe(FailureCause.WrongRegionToken);
        failure.Evidence!.ErrorCode.ShouldBe("1024");
        failure.Evidence.ActivityId.ShouldNotBeNullOrEmpty();
        failure.Fix!.ShouldContain("https://emea.uemauth.workspaceone.com/connect/token");
    }

    [Fact]
    public async Task VerifyAsync_WrongRegionIssuerFault_WrongRegionToken1024()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.WrongRegionIssuer, TenantHostKey = SimulatorDemo.TenantHostKey });

        var failure = await FailureAsync(harness, harness.DemoConnection());

        failure.Cause.ShouldBe(FailureCause.WrongRegionToken);
        harness.State.CountRequests("/connect/token").ShouldBe(2); // refreshed once, then gave up
    }

    [Fact]
    public async Task VerifyAsync_TokensAlwaysExpired_TokenExpired1029AfterOneRefresh()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.ExpiredTokens, Target = SimFaultTarget.UemToken });

        var failure = await FailureAsync(harness, harness.DemoConnection());

        failure.Layer.ShouldBe(DiagnosisLayer.ApiAuthentication);
        failure.Cause.ShouldBe(FailureCause.TokenExpired);
        failure.Evidence!.ErrorCode.ShouldBe("1029");
        harness.State.CountRequests("/connect/token").ShouldBe(2);
    }

    [Fact]
    public async Task VerifyAsync_RoleLacksGroupsRead_RolePermissions1011()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection() with { ClientId = SimulatorDemo.ReadOnlyClientId, ClientSecret = SecretString.Create(SimulatorDemo.ReadOnlyClientSecret) };

        var failure = await FailureAsync(harness, connection);

        failure.Check.ShouldBe("Organisation group");
        failure.Layer.ShouldBe(DiagnosisLayer.RolePermissions);
        failure.Cause.ShouldBe(FailureCause.PermissionDenied);
        failure.Evidence!.ErrorCode.ShouldBe("1011");
        failure.Fix!.ShouldContain(SimulatorDemo.ReadOnlyClientId);
    }

    [Fact]
    public async Task GetApiKeysAsync_RoleLacksKeysRead_RolePermissions6044()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection() with { ClientId = SimulatorDemo.ReadOnlyClientId, ClientSecret = SecretString.Create(SimulatorDemo.ReadOnlyClientSecret) };

        var ex = await Should.ThrowAsync<IntegrationException>(() => harness.Api.GetApiKeysAsync(connection, SimulatorDemo.OrganizationGroupUuid, Ct));
        var result = ConnectionDiagnosis.Diagnose("API keys", DiagnosisLayer.TenantCodeApiKey, ex);

        result.Layer.ShouldBe(DiagnosisLayer.RolePermissions);
        result.Evidence!.ErrorCode.ShouldBe("6044");
    }

    [Fact]
    public async Task VerifyAsync_ContainerGroupId_OrganizationGroupNotCustomerType()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var failure = await FailureAsync(harness, harness.DemoConnection() with { OrganizationGroupId = SimulatorDemo.ChildGroupId });

        failure.Layer.ShouldBe(DiagnosisLayer.OrganizationGroup);
        failure.Cause.ShouldBe(FailureCause.OrganizationGroupNotCustomerType);
    }

    [Fact]
    public async Task VerifyAsync_UnknownGroupId_OrganizationGroupNotFound()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var failure = await FailureAsync(harness, harness.DemoConnection() with { OrganizationGroupId = "NOPE" });

        failure.Cause.ShouldBe(FailureCause.OrganizationGroupNotFound);
    }

    [Fact]
    public async Task UemCalls_UnknownOgUuidAndContainerEula_Diagnose6008And6231()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();

        var notFound = await Should.ThrowAsync<IntegrationException>(() => harness.Api.GetApiKeysAsync(connection, Guid.NewGuid(), Ct));
        var notCustomer = await Should.ThrowAsync<IntegrationException>(() => harness.Api.GetIntelligenceEulaAsync(connection, SimulatorDemo.ChildOrganizationGroupUuid, Ct));

        ConnectionDiagnosis.Diagnose("API keys", DiagnosisLayer.TenantCodeApiKey, notFound).Cause.ShouldBe(FailureCause.OrganizationGroupNotFound);
        var eula = ConnectionDiagnosis.Diagnose("EULA", DiagnosisLayer.OrganizationGroup, notCustomer);
        eula.Cause.ShouldBe(FailureCause.OrganizationGroupNotCustomerType);
        eula.Evidence!.StatusCode.ShouldBe(404);
        eula.Evidence.ErrorCode.ShouldBe("6231");
    }

    [Fact]
    public async Task VerifyAsync_ApiKeyNotOfThisGroup_TenantCodeApiKeyFailure()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var failure = await FailureAsync(harness, harness.DemoConnection() with { ApiKey = SecretString.Create("NOT-A-KEY") });

        failure.Layer.ShouldBe(DiagnosisLayer.TenantCodeApiKey);
        failure.Cause.ShouldBe(FailureCause.ApiKeyNotListed);
    }

    [Fact]
    public async Task VerifyAsync_RateLimitedBeyondCap_RateLimitedWithNextAllowedTime()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.RateLimit, Target = SimFaultTarget.UemApi, RetryAfterSeconds = 120 });
        var before = DateTimeOffset.UtcNow;

        var failure = await FailureAsync(harness, harness.DemoConnection());

        failure.Cause.ShouldBe(FailureCause.RateLimited);
        failure.Evidence!.StatusCode.ShouldBe(429);
        failure.Evidence.RetryAt.ShouldNotBeNull().ShouldBeGreaterThan(before.AddSeconds(110));
        failure.Summary.ShouldContain("UTC");
        harness.State.CountRequests("/API/system/info").ShouldBe(1); // a 2-minute Retry-After is not waited for
    }

    [Fact]
    public async Task ApiCall_RateLimitedWithShortRetryAfter_RetriedAfterTheWait()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        await harness.Tokens.GetTokenAsync(connection, Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.RateLimit, Target = SimFaultTarget.UemApi, RetryAfterSeconds = 1, Remaining = 1 });
        var watch = Stopwatch.StartNew();

        var info = await harness.Api.GetSystemInfoAsync(connection, Ct);

        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        info.ProductName.ShouldNotBeNull();
        harness.State.CountRequests("/API/system/info").ShouldBe(2);
    }

    [Fact]
    public async Task VerifyAsync_ServerErrors_ServerErrorWithActivityId()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.ServerError, Target = SimFaultTarget.UemApi, StatusCode = 503 });

        var failure = await FailureAsync(harness, harness.DemoConnection());

        failure.Cause.ShouldBe(FailureCause.ServerError);
        failure.Evidence!.StatusCode.ShouldBe(503);
        failure.Fix!.ShouldContain(failure.Evidence.ActivityId!);
        harness.State.CountRequests("/API/system/info").ShouldBe(3); // 1 + 2 retries
    }

    [Fact]
    public async Task VerifyAsync_MalformedJson_MalformedResponse()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.MalformedJson, Target = SimFaultTarget.UemApi });

        var failure = await FailureAsync(harness, harness.DemoConnection());

        failure.Check.ShouldBe("System info");
        failure.Cause.ShouldBe(FailureCause.MalformedResponse);
    }

    [Fact]
    public async Task VerifyAsync_ConnectionRefused_ConnectivityConnectionRefused()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?>([IntegrationsTestPortal.AllowLoopback]), cancellationToken: Ct);
        var deadUrl = new Uri($"http://127.0.0.1:{PortalAppFactory.FreeLoopbackPort()}/regions/na/connect/token"); // nothing listens there

        var failure = await FailureAsync(harness, harness.DemoConnection() with { TokenUrl = deadUrl });

        failure.Layer.ShouldBe(DiagnosisLayer.Connectivity);
        failure.Cause.ShouldBe(FailureCause.ConnectionRefused);
    }
}
