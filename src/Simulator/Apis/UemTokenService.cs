using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>The UEM token service: <c>/connect/token</c> (default region) and <c>/regions/{region}/connect/token</c>.</summary>
internal static class UemTokenService
{
    /// <summary>Maps the UEM token endpoints: root = default region, /regions/{region} = any region.</summary>
    internal static void Map(IEndpointRouteBuilder root)
    {
        root.MapPost("/connect/token", (HttpContext http, SimulatorState s) => UemTokenAsync(http, s, s.DefaultRegion));
        root.MapPost("/regions/{region}/connect/token", (HttpContext http, SimulatorState s, string region) => UemTokenAsync(http, s, region));
    }

    private static async Task<IResult> UemTokenAsync(HttpContext http, SimulatorState state, string region)
    {
        // Real token service: a trailing slash or extra path is a 404 (routing would otherwise ignore it).
        if (http.Request.Path.Value?.EndsWith('/') == true)
        {
            return Results.Text("Not Found", "text/plain", statusCode: 404);
        }

        if (!http.Request.HasFormContentType)
        {
            return OAuthError("invalid_request", "The request body must be application/x-www-form-urlencoded.", 400);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var basic = ReadBasic(http);
        var formId = form["client_id"].ToString();
        var (clientId, secret) = basic ?? (formId, form["client_secret"].ToString());
        var found = string.IsNullOrEmpty(clientId) ? null : state.FindClient(region, clientId);
        if (await ApplyFaultAsync(http, state, SimFaultTarget.UemToken, found?.Tenant.HostKey, clientId) is { } faulted)
        {
            return faulted;
        }

        var grantType = form["grant_type"].ToString();
        if (string.IsNullOrEmpty(grantType))
        {
            return OAuthError("invalid_request", "grant_type is missing.", 400);
        }

        if (grantType != "client_credentials")
        {
            return OAuthError("unsupported_grant_type", "Only client_credentials is supported.", 400);
        }

        if (basic is not null && !string.IsNullOrEmpty(formId))
        {
            return OAuthError("invalid_request", "Use only one client authentication method.", 400);
        }

        // RFC 6749 §5.2: 401 with WWW-Authenticate when the client used the Authorization header, else 400.
        var invalidStatus = basic is null ? 400 : 401;
        if (basic is not null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic";
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return OAuthError("invalid_client", "Client authentication failed.", invalidStatus);
        }

        if (found is not { } match || !match.Client.Enabled || !FixedTimeEquals(match.Client.Secret, secret))
        {
            return OAuthError("invalid_client", "Client authentication failed.", invalidStatus);
        }

        var tokenFault = state.TakeFault(SimFaultTarget.UemToken, match.Tenant.HostKey, clientId, k => k is SimFaultKind.WrongRegionIssuer or SimFaultKind.ExpiredTokens);
        var issuerRegion = tokenFault?.Kind == SimFaultKind.WrongRegionIssuer ? OtherRegion(match.Tenant.RegionCode) : match.Tenant.RegionCode;
        var lifetime = tokenFault?.Kind == SimFaultKind.ExpiredTokens ? TimeSpan.Zero : state.UemTokenLifetime;
        var token = state.IssueToken(SimTokenKind.Uem, issuerRegion, match.Tenant.HostKey, match.Client.ClientId, lifetime);
        match.Client.CountUse(state.Time.GetUtcNow());
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new { access_token = token.Value, token_type = "Bearer", expires_in = (int)state.UemTokenLifetime.TotalSeconds }, Json);
    }

    private static string OtherRegion(string region) =>
        string.Equals(region, "emea", StringComparison.OrdinalIgnoreCase) ? "na" : "emea";
}
