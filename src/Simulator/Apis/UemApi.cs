using System.Globalization;
using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>The handler of one UEM REST call, run after <see cref="UemApi.CallAsync"/> has authenticated it.</summary>
internal delegate IResult UemHandler(SimTenant tenant, SimIssuedToken token, int version);

/// <summary>The UEM REST API (<c>/API</c> and <c>/tenants/{hostKey}/API</c>): the common call pipeline and the system and MDM areas.</summary>
internal static class UemApi
{
    /// <summary>Maps the system and MDM areas; <paramref name="fixedTenant"/> serves the default tenant, otherwise the route's hostKey.</summary>
    internal static void Map(RouteGroupBuilder api, bool fixedTenant)
    {
        string HostKey(HttpContext http, SimulatorState s) =>
            fixedTenant ? s.DefaultTenantHostKey : http.GetRouteValue("hostKey")?.ToString() ?? "";

        UemSystemApi.Map(api, HostKey);
        UemMdmApi.Map(api, HostKey);
    }

    /// <summary>Common UEM pipeline: tenant, faults, bearer token (region/tenant bound, expiry), role permission, then the handler.</summary>
    internal static async Task<IResult> CallAsync(HttpContext http, SimulatorState state, string hostKey, string? permission, UemHandler handler, int forbiddenCode = 1011)
    {
        var tenant = state.FindTenant(hostKey);
        if (tenant is null)
        {
            return Results.Text("Unknown host", "text/plain", statusCode: 404);
        }

        // Every REST response carries the tenant's rate-limit state, as UEM's do; past the limit UEM answers 429 with
        // X-RateLimit-Reset (epoch seconds) and no Retry-After.
        var rate = state.CountApiCall(tenant);
        http.Response.Headers["X-RateLimit-Limit"] = rate.Limit.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Remaining"] = rate.Remaining.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Reset"] = rate.ResetEpochSeconds.ToString(CultureInfo.InvariantCulture);
        if (!rate.Allowed)
        {
            return UemError(429, 429, "Too Many Requests");
        }

        var bearer = ReadBearer(http);
        var token = bearer is null ? null : state.FindToken(bearer);
        if (await ApplyFaultAsync(http, state, SimFaultTarget.UemApi, tenant.HostKey, token?.ClientId) is { } faulted)
        {
            return faulted;
        }

        if (token is null || token.Kind != SimTokenKind.Uem)
        {
            return UemError(401, 1024, "OAuthToken Validation Failed.");
        }

        // A token from another region's issuer or another tenant is not valid here.
        if (!string.Equals(token.RegionCode, tenant.RegionCode, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(token.TenantHostKey, tenant.HostKey, StringComparison.OrdinalIgnoreCase))
        {
            return UemError(401, 1024, "OAuthToken Validation Failed.");
        }

        if (state.Time.GetUtcNow() >= token.ExpiresAt)
        {
            return UemError(401, 1029, "OAuth token is expired.");
        }

        var client = tenant.Clients.FirstOrDefault(c => c.ClientId == token.ClientId);
        if (client is null || !client.Enabled)
        {
            return UemError(401, 1024, "OAuthToken Validation Failed.");
        }

        if (permission is not null && (!tenant.Roles.TryGetValue(client.RoleName, out var role) || !role.Permissions.Contains(permission)))
        {
            return UemError(403, forbiddenCode, "User doesn't have sufficient permissions to perform this operation.");
        }

        client.CountUse(state.Time.GetUtcNow());
        // With OAuth the tenant code is "disregarded" by UEM (workspace-one-api.md §2.2): only counted here, never checked.
        var tenantCode = http.Request.Headers["aw-tenant-code"].ToString();
        if (tenant.ApiKeys.Any(k => k.Key == tenantCode))
        {
            tenant.ApiKeyUsage.GetOrAdd(tenantCode, _ => new DailyCounter()).Increment(state.Time.GetUtcNow());
        }

        var result = handler(tenant, token, AcceptVersion(http));
        if (HttpMethods.IsPost(http.Request.Method) && state.TakeFault(SimFaultTarget.UemApi, tenant.HostKey, token.ClientId, k => k == SimFaultKind.SlowReply) is { } slowReply)
        {
            try
            {
                await Task.Delay(slowReply.DelayMilliseconds, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty; // the caller gave up; the work above is done all the same
            }
        }

        return result;
    }
}
