using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class ConnectionDiagnosisTests
{
    private static readonly Uri Api = new("https://as1234.awmdm.com/API/system/info");

    private static IntegrationException Http(int status, string? code, IntegrationStage stage = IntegrationStage.Api) =>
        new(IntegrationFailureKind.HttpError, stage, "GET /API/system/info", Api, "failed") { StatusCode = status, ErrorCode = code, ActivityId = "act-1" };

    [Theory]
    [InlineData(401, "1024", DiagnosisLayer.ApiAuthentication, FailureCause.WrongRegionToken)]
    [InlineData(401, "1029", DiagnosisLayer.ApiAuthentication, FailureCause.TokenExpired)]
    [InlineData(403, "1011", DiagnosisLayer.RolePermissions, FailureCause.PermissionDenied)]
    [InlineData(403, "6044", DiagnosisLayer.RolePermissions, FailureCause.PermissionDenied)]
    [InlineData(404, "6008", DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotFound)]
    [InlineData(404, "6231", DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotCustomerType)]
    [InlineData(412, "6339", DiagnosisLayer.TenantCodeApiKey, FailureCause.ServiceMisconfigured)]
    [InlineData(500, null, DiagnosisLayer.ApiAuthentication, FailureCause.ServerError)]
    public void Diagnose_UemErrorCodes_MapToLayerAndCause(int status, string? code, DiagnosisLayer layer, FailureCause cause)
    {
        var result = ConnectionDiagnosis.Diagnose("System info", DiagnosisLayer.ApiAuthentication, Http(status, code));

        result.Ok.ShouldBeFalse();
        result.Layer.ShouldBe(layer);
        result.Cause.ShouldBe(cause);
        result.Evidence.ShouldBe(new CheckEvidence(status, code, "act-1", "as1234.awmdm.com", "GET /API/system/info"));
        result.Fix.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Diagnose_InvalidClientWithRegionMismatch_NamesApiRegion()
    {
        var region = RegionResolver.Assess(new Uri("https://na.uemauth.workspaceone.com/connect/token"), null, "apac");

        var result = ConnectionDiagnosis.Diagnose("Token", DiagnosisLayer.TokenExchange, Http(400, "invalid_client", IntegrationStage.Token), new DiagnosisContext("cid", true, region));

        result.Cause.ShouldBe(FailureCause.InvalidClient);
        result.Fix!.ShouldContain("'apac'");
        result.Fix!.ShouldContain("spaces");
    }

    [Fact]
    public void Diagnose_RateLimited_SaysWhenNextCallIsAllowed()
    {
        var at = new DateTimeOffset(2026, 11, 30, 18, 5, 0, TimeSpan.Zero);
        var failure = new IntegrationException(IntegrationFailureKind.HttpError, IntegrationStage.Api, "op", Api, "x") { StatusCode = 429, RetryAt = at };

        var result = ConnectionDiagnosis.Diagnose("System info", DiagnosisLayer.ApiAuthentication, failure);

        result.Cause.ShouldBe(FailureCause.RateLimited);
        result.Fix!.ShouldContain("2026-11-30 18:05:00 UTC");
    }

    [Theory]
    [InlineData(IntegrationFailureKind.UnknownHost, FailureCause.UnknownHost)]
    [InlineData(IntegrationFailureKind.TlsFailure, FailureCause.TlsFailure)]
    [InlineData(IntegrationFailureKind.ConnectionFailed, FailureCause.ConnectionRefused)]
    [InlineData(IntegrationFailureKind.Timeout, FailureCause.Timeout)]
    [InlineData(IntegrationFailureKind.CircuitOpen, FailureCause.HostTemporarilyBlocked)]
    public void Diagnose_TransportFailures_ConnectivityLayer(IntegrationFailureKind kind, FailureCause cause)
    {
        var result = ConnectionDiagnosis.Diagnose("Token", DiagnosisLayer.TokenExchange, new IntegrationException(kind, IntegrationStage.Token, "op", Api, "x"));

        result.Layer.ShouldBe(DiagnosisLayer.Connectivity);
        result.Cause.ShouldBe(cause);
    }
}
