using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>The Intelligence token service: <c>/oauth/token</c>.</summary>
internal static class IntelligenceTokenService
{
    internal static void Map(IEndpointRouteBuilder root) => root.MapPost("/oauth/token", IntelligenceTokenAsync);

    private static async Task<IResult> IntelligenceTokenAsync(HttpContext http, SimulatorState state)
    {
        if (http.Request.Query["grant_type"] != "client_credentials")
        {
            return OAuthError("invalid_request", "grant_type=client_credentials must be sent in the query string.", 400);
        }

        var basic = ReadBasic(http);
        var account = basic is { } credentials ? state.FindIntelligenceAccount(credentials.Id) : null;
        if (await ApplyFaultAsync(http, state, SimFaultTarget.IntelligenceToken, null, basic?.Id) is { } faulted)
        {
            return faulted;
        }

        if (account is null || basic is not { } creds || !FixedTimeEquals(account.Secret, creds.Secret))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth\"";
            return OAuthError("invalid_client", "Bad client credentials", 401);
        }

        var expired = state.TakeFault(SimFaultTarget.IntelligenceToken, null, account.ClientId, k => k == SimFaultKind.ExpiredTokens) is not null;
        var token = state.IssueToken(SimTokenKind.Intelligence, account.RegionCode, "", account.ClientId, expired ? TimeSpan.Zero : state.IntelligenceTokenLifetime);
        var now = state.Time.GetUtcNow();
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token.Value,
            ["token_type"] = "bearer",
            ["expires_in"] = (int)state.IntelligenceTokenLifetime.TotalSeconds,
            ["scope"] = "dpa.merlot.report dpa.merlot.reporttracking dpa.merlot.metadata",
            ["iss"] = $"https://auth.{account.RegionCode}.data.workspaceone.com/oauth/token",
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["dpa.org_id"] = account.OrgId.ToString(),
        };
        return Results.Json(body, Json);
    }
}
