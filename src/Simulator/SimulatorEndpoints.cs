using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Simulator;

/// <summary>Registration and endpoint mapping for the Workspace ONE simulator.</summary>
public static class SimulatorEndpoints
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly string[] ApiAreas = ["mdm", "mam", "mcm", "system", "mem"];

    /// <summary>Adds the singleton <see cref="SimulatorState"/> (seeded with <see cref="SimulatorDemo"/>, bounded by <paramref name="limits"/>).</summary>
    public static IServiceCollection AddWorkspaceOneSimulator(this IServiceCollection services, TimeProvider? time = null, SimulatorLimits? limits = null)
    {
        services.TryAddSingleton(_ => new SimulatorState(time, limits));
        return services;
    }

    /// <summary>
    /// Maps the UEM token service, UEM REST, Intelligence and operator endpoints under <paramref name="prefix"/>.
    /// Anonymous and antiforgery-free: the simulated services authenticate with their own tokens.
    /// </summary>
    /// <param name="endpoints">The host's route builder.</param>
    /// <param name="prefix">Path prefix, e.g. "/simulator"; empty serves at the root.</param>
    /// <param name="operatorApiRoles">Null: <c>/_operator</c> is anonymous (the standalone simulator). Otherwise the
    /// comma-separated roles a signed-in host user needs for it (the portal: Admin).</param>
    public static IEndpointRouteBuilder MapWorkspaceOneSimulator(this IEndpointRouteBuilder endpoints, string prefix = "", string? operatorApiRoles = null)
    {
        var host = endpoints.MapGroup(string.IsNullOrEmpty(prefix) ? "/" : prefix);
        host.DisableAntiforgery();
        host.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // The host app's status-code pages must not replace simulated error bodies.
            if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            var path = http.Request.Path.Value ?? "/";
            if (!string.IsNullOrEmpty(prefix) && path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                path = path[prefix.Length..];
            }

            var state = http.RequestServices.GetRequiredService<SimulatorState>();
            state.RecordRequest(http.Request.Method, path);
            state.RecordRequestDetail(new SimRequestRecord(
                http.Request.Method,
                path,
                [.. http.Request.Query.Keys],
                http.Request.Headers.Accept.ToString(),
                http.Request.Headers.ContainsKey("aw-tenant-code"),
                http.Request.ContentType));
            return await next(context);
        });

        var root = host.MapGroup("/");
        root.AllowAnonymous();

        // UEM token service: root = default region, /regions/{region} = any region.
        root.MapPost("/connect/token", (HttpContext http, SimulatorState s) => UemTokenAsync(http, s, s.DefaultRegion));
        root.MapPost("/regions/{region}/connect/token", (HttpContext http, SimulatorState s, string region) => UemTokenAsync(http, s, region));

        MapUemApi(root.MapGroup("/API"), fixedTenant: true);
        MapUemApi(root.MapGroup("/tenants/{hostKey}/API"), fixedTenant: false);

        root.MapPost("/oauth/token", IntelligenceTokenAsync);
        root.MapPost("/v2/metadata/entities", IntelligenceEntitiesAsync);
        root.MapPost("/v2/reports/search", IntelligenceReportsAsync);

        var operatorApi = host.MapGroup("/_operator");
        if (operatorApiRoles is null)
        {
            operatorApi.AllowAnonymous();
        }
        else
        {
            // An API: 401/403 for callers without the role, not the host's sign-in or access-denied redirects.
            operatorApi.RequireAuthorization(new AuthorizeAttribute { Roles = operatorApiRoles }).DisableCookieRedirect();
        }

        MapOperator(operatorApi);
        return endpoints;
    }

    // ---------------------------------------------------------------- UEM token service

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

    private static IResult OAuthError(string error, string description, int status) =>
        Results.Json(new { error, error_description = description }, Json, statusCode: status);

    private static (string Id, string Secret)? ReadBasic(HttpContext http)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    // ---------------------------------------------------------------- UEM REST API

    private static void MapUemApi(RouteGroupBuilder api, bool fixedTenant)
    {
        string HostKey(HttpContext http, SimulatorState s) =>
            fixedTenant ? s.DefaultTenantHostKey : http.GetRouteValue("hostKey")?.ToString() ?? "";

        api.MapGet("/system/info", (HttpContext http, SimulatorState s) =>
            UemCallAsync(http, s, HostKey(http, s), null, (tenant, _, version) => Results.Json(new
            {
                ProductName = "Workspace ONE UEM",
                ProductCopyright = "Copyright Omnissa (simulated)",
                ProductVersion = "26.4.0.0",
                Version = version,
                Resources = new
                {
                    Workspaces = ApiAreas
                        .Select(area => new { Name = area, Location = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/API/{area}" }),
                },
            }, Json, ContentType(version))));

        api.MapGet("/system/groups/search", (HttpContext http, SimulatorState s) =>
            UemCallAsync(http, s, HostKey(http, s), SimulatorDemo.PermissionGroupsRead, (tenant, _, version) =>
            {
                var q = http.Request.Query;
                var groups = tenant.OrganizationGroups
                    .Where(o => string.IsNullOrEmpty(q["groupid"]) || string.Equals(o.GroupId, q["groupid"], StringComparison.OrdinalIgnoreCase))
                    .Where(o => string.IsNullOrEmpty(q["name"]) || o.Name.Contains(q["name"].ToString(), StringComparison.OrdinalIgnoreCase))
                    .Where(o => string.IsNullOrEmpty(q["type"]) || string.Equals(o.Type.ToString(), q["type"], StringComparison.OrdinalIgnoreCase))
                    .ToList();
                var page = ParseInt(q["page"], 0);
                var pageSize = ParseInt(q["pagesize"], 500);
                var slice = groups.Skip(page * pageSize).Take(pageSize).ToList();
                // v1 = LocationGroups (Id.Value), v2 = OrganizationGroups (Id int) + TotalResults.
                return version >= 2
                    ? Results.Json(new
                    {
                        OrganizationGroups = slice.Select(o => new
                        {
                            Id = o.Id,
                            Uuid = o.Uuid,
                            Name = o.Name,
                            GroupId = o.GroupId,
                            LocationGroupType = o.Type.ToString(),
                            Country = "United States",
                            Locale = "en-US",
                            LgLevel = o.ParentId is null ? 1 : 2,
                        }),
                        TotalResults = groups.Count,
                    }, Json, ContentType(2))
                    : Results.Json(new
                    {
                        LocationGroups = slice.Select(o => new
                        {
                            Id = new { Value = o.Id },
                            Uuid = o.Uuid,
                            Name = o.Name,
                            GroupId = o.GroupId,
                            LocationGroupType = o.Type.ToString(),
                            Country = "United States",
                            Locale = "en-US",
                            LgLevel = o.ParentId is null ? 1 : 2,
                            ParentLocationGroup = o.ParentId is { } parent ? new { Id = new { Value = parent } } : null,
                        }),
                        Page = page,
                        PageSize = pageSize,
                        Total = groups.Count,
                    }, Json, ContentType(1));
            }));

        api.MapGet("/system/v2/groups/{ogUuid}/api-keys", (HttpContext http, SimulatorState s, string ogUuid) =>
            UemCallAsync(http, s, HostKey(http, s), SimulatorDemo.PermissionApiKeysRead, (tenant, _, _) =>
            {
                var og = FindOg(tenant, ogUuid);
                if (og is null)
                {
                    return UemError(404, 6008, "No organization group found for the given organization group UUID.");
                }

                return Results.Json(new
                {
                    api_keys = tenant.ApiKeys.Where(k => k.OrganizationGroupUuid == og.Uuid)
                        .Select(k => new { service_name = k.ServiceName, api_key = k.Key, daily_quota_usage = (int)(tenant.ApiKeyUsage.TryGetValue(k.Key, out var used) ? used.Value : 0), id = k.Id, uuid = k.Uuid }),
                    oauth_clients = tenant.Clients.Where(c => c.OrganizationGroupUuid == og.Uuid)
                        .Select((c, i) => new { oauth_client_name = c.Name, oauth_client_id = c.ClientId, daily_quota_usage = c.DailyUsage, id = i + 1, uuid = DeterministicUuid(c.ClientId) }),
                }, Json, ContentType(1));
            }, forbiddenCode: 6044));

        api.MapGet("/system/groups/{ogUuid}/intelligence/eula", (HttpContext http, SimulatorState s, string ogUuid) =>
            UemCallAsync(http, s, HostKey(http, s), SimulatorDemo.PermissionGroupsRead, (tenant, _, _) =>
            {
                var og = FindOg(tenant, ogUuid);
                if (og is null)
                {
                    return UemError(404, 6008, "No organization group found for the given organization group UUID.");
                }

                if (og.Type != SimOrganizationGroupType.Customer)
                {
                    return UemError(404, 6231, "Organization group is not of type Customer.");
                }

                var accepted = tenant.EulaAcceptedBy.Contains(og.Uuid);
                return Results.Json(new
                {
                    name = accepted ? "Demo Admin" : null,
                    email_address = accepted ? "admin@demo.example" : null,
                    title = accepted ? "IT Administrator" : null,
                    company_name = accepted ? tenant.Name : null,
                    company_address = accepted ? "1 Demo Street" : null,
                    eula = "Omnissa Intelligence End User License Agreement (simulated).",
                }, Json, ContentType(1));
            }, forbiddenCode: 5145));

        api.MapGet("/mdm/devices/search", (HttpContext http, SimulatorState s) =>
            UemCallAsync(http, s, HostKey(http, s), SimulatorDemo.PermissionDevicesRead, (tenant, _, version) =>
            {
                var q = http.Request.Query;
                var lgid = ParseInt(q["lgid"], -1);
                if (lgid >= 0 && tenant.OrganizationGroups.All(o => o.Id != lgid))
                {
                    return UemError(400, 6, $"Organization Group with id : {lgid} not found or Admin user does not have access to it.");
                }

                var devices = tenant.Devices
                    .Where(d => lgid < 0 || d.OrganizationGroupId == lgid)
                    .Where(d => string.IsNullOrEmpty(q["user"]) || string.Equals(d.UserName, q["user"], StringComparison.OrdinalIgnoreCase))
                    .Where(d => string.IsNullOrEmpty(q["platform"]) || string.Equals(d.Platform, q["platform"], StringComparison.OrdinalIgnoreCase))
                    .Where(d => string.IsNullOrEmpty(q["model"]) || d.Model.Contains(q["model"].ToString(), StringComparison.OrdinalIgnoreCase))
                    .ToList();
                var page = ParseInt(q["page"], 0);
                var pageSize = ParseInt(q["pagesize"], 500);
                var apiVersion = version >= 2 ? 2 : 1;
                return Results.Json(new
                {
                    Devices = devices.Skip(page * pageSize).Take(pageSize).Select(d => new
                    {
                        Id = new { Value = d.Id },
                        Uuid = d.Uuid,
                        SerialNumber = d.SerialNumber,
                        DeviceFriendlyName = d.FriendlyName,
                        LocationGroupId = new { Id = new { Value = d.OrganizationGroupId } },
                        LocationGroupName = tenant.OrganizationGroups.First(o => o.Id == d.OrganizationGroupId).Name,
                        UserName = d.UserName,
                        Platform = d.Platform,
                        Model = d.Model,
                        LastSeen = d.LastSeen.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                        EnrollmentStatus = "Enrolled",
                        ComplianceStatus = d.ComplianceStatus,
                    }),
                    Page = page,
                    PageSize = pageSize,
                    Total = devices.Count,
                }, Json, ContentType(apiVersion));
            }));

        api.MapPost("/mdm/devices/{deviceId}/commands", (HttpContext http, SimulatorState s, string deviceId) =>
            UemCallAsync(http, s, HostKey(http, s), SimulatorDemo.PermissionDevicesAdvanced, (tenant, token, _) =>
            {
                var command = http.Request.Query["command"].ToString();
                string[] known = ["Lock", "EnterpriseWipe", "DeviceWipe", "DeviceQuery", "ClearPasscode", "SyncDevice", "SoftReset", "Shutdown", "EnterpriseReset"];
                if (!known.Contains(command, StringComparer.OrdinalIgnoreCase))
                {
                    return UemError(422, 422, "Invalid command type");
                }

                var device = int.TryParse(deviceId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                    ? tenant.Devices.FirstOrDefault(d => d.Id == id)
                    : null;
                if (device is null)
                {
                    return UemError(404, 404, "Device not found for specified id");
                }

                s.RecordCommand(tenant, new SimCommand(device.Id, command, token.ClientId, s.Time.GetUtcNow()));
                return Results.StatusCode(202);
            }));
    }

    private delegate IResult UemHandler(SimTenant tenant, SimIssuedToken token, int version);

    /// <summary>Common UEM pipeline: tenant, faults, bearer token (region/tenant bound, expiry), role permission, then the handler.</summary>
    private static async Task<IResult> UemCallAsync(HttpContext http, SimulatorState state, string hostKey, string? permission, UemHandler handler, int forbiddenCode = 1011)
    {
        var tenant = state.FindTenant(hostKey);
        if (tenant is null)
        {
            return Results.Text("Unknown host", "text/plain", statusCode: 404);
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

        return handler(tenant, token, AcceptVersion(http));
    }

    private static string? ReadBearer(HttpContext http) =>
        AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
            && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;

    /// <summary>The <c>version=N</c> parameter of the Accept header; plain application/json means version 1.</summary>
    private static int AcceptVersion(HttpContext http)
    {
        foreach (var value in http.Request.Headers.Accept)
        {
            if (value is null || !MediaTypeHeaderValue.TryParse(value.Split(',')[0], out var media))
            {
                continue;
            }

            var version = media.Parameters.FirstOrDefault(p => string.Equals(p.Name, "version", StringComparison.OrdinalIgnoreCase));
            if (version?.Value is { } text && int.TryParse(text.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return 1;
    }

    private static string ContentType(int version) => $"application/json;version={version}";

    private static IResult UemError(int status, int errorCode, string message) =>
        Results.Json(new { errorCode, message, activityId = Guid.NewGuid() }, Json, "application/json", status);

    private static SimOrganizationGroup? FindOg(SimTenant tenant, string uuid) =>
        Guid.TryParse(uuid, out var id) ? tenant.OrganizationGroups.FirstOrDefault(o => o.Uuid == id) : null;

    private static Guid DeterministicUuid(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static int ParseInt(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    // ---------------------------------------------------------------- faults

    private static async Task<IResult?> ApplyFaultAsync(HttpContext http, SimulatorState state, SimFaultTarget target, string? tenantHostKey, string? clientId)
    {
        var fault = state.TakeFault(target, tenantHostKey, clientId, k => k is not (SimFaultKind.WrongRegionIssuer or SimFaultKind.ExpiredTokens));
        switch (fault?.Kind)
        {
            case null:
                return null;
            case SimFaultKind.Latency:
                try
                {
                    await Task.Delay(fault.DelayMilliseconds, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }

                return null;
            case SimFaultKind.Timeout:
                // Hold the request until the caller gives up (or a long while passes).
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(2), http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }

                return Results.StatusCode(504);
            case SimFaultKind.RateLimit:
                http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { errorCode = 429, message = "Too Many Requests", activityId = Guid.NewGuid() }, Json, "application/json", 429);
            case SimFaultKind.ServerError:
                return Results.Json(new { errorCode = fault.StatusCode, message = "Service temporarily unavailable.", activityId = Guid.NewGuid() }, Json, "application/json", fault.StatusCode);
            case SimFaultKind.MalformedJson:
                return Results.Text("{\"ProductName\": \"Workspace ONE UEM\", \"Resources\": {", "application/json;version=1", statusCode: 200);
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- Intelligence

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

    private static async Task<IResult?> IntelligenceAuthAsync(HttpContext http, SimulatorState state)
    {
        var bearer = ReadBearer(http);
        var token = bearer is null ? null : state.FindToken(bearer);
        if (await ApplyFaultAsync(http, state, SimFaultTarget.IntelligenceApi, null, token?.ClientId) is { } faulted)
        {
            return faulted;
        }

        if (token is null || token.Kind != SimTokenKind.Intelligence || state.Time.GetUtcNow() >= token.ExpiresAt)
        {
            return Results.Json(new { errors = new[] { new { code = "UNAUTHORIZED", message = "Access token expired or invalid." } } }, Json, "application/json", 401);
        }

        return null;
    }

    private static async Task<(int Offset, int PageSize, IResult? Error)> ReadPagingAsync(HttpContext http)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var offset = body.RootElement.TryGetProperty("offset", out var o) && o.TryGetInt32(out var ov) ? ov : 0;
            var size = body.RootElement.TryGetProperty("page_size", out var p) && p.TryGetInt32(out var pv) ? pv : 100;
            if (size is < 1 or > 1000)
            {
                return (0, 0, Results.Json(new { errors = new[] { new { code = "FIELD-VALIDATION", message = "page_size must be between 1 and 1000.", violated_property = "page_size" } } }, Json, "application/json", 400));
            }

            return (offset, size, null);
        }
        catch (JsonException)
        {
            return (0, 0, Results.Json(new { errors = new[] { new { code = "UNPARSEABLE-MESSAGE", message = "Request body is not valid JSON." } } }, Json, "application/json", 400));
        }
    }

    private static async Task<IResult> IntelligenceEntitiesAsync(HttpContext http, SimulatorState state)
    {
        if (await IntelligenceAuthAsync(http, state) is { } denied)
        {
            return denied;
        }

        var (offset, size, error) = await ReadPagingAsync(http);
        if (error is not null)
        {
            return error;
        }

        var entities = new[]
        {
            new { name = "airwatch.device", label = "Device", description = "Workspace ONE UEM devices" },
            new { name = "airwatch.application", label = "App", description = "Workspace ONE UEM applications" },
            new { name = "airwatch.windowspatch", label = "Windows OS Updates", description = "" },
        };
        return Results.Json(new { data = new { offset, page_size = size, total_count = entities.Length, results = entities.Skip(offset).Take(size) } }, Json);
    }

    private static async Task<IResult> IntelligenceReportsAsync(HttpContext http, SimulatorState state)
    {
        if (await IntelligenceAuthAsync(http, state) is { } denied)
        {
            return denied;
        }

        var (offset, size, error) = await ReadPagingAsync(http);
        if (error is not null)
        {
            return error;
        }

        var created = new DateTimeOffset(2026, 6, 9, 7, 14, 29, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var reports = new[]
        {
            new
            {
                id = "31118250-7d6a-4bb2-befb-72f50e47d3b9",
                name = "Devices with antivirus not running",
                description = "Demo report",
                integration = "airwatch",
                entity = "device",
                filter = "airwatch.device._device_antivirus_status != 'Pass'",
                report_type = "SNAPSHOT",
                report_format = "CSV",
                created_at = created,
                modified_at = created,
            },
        };
        return Results.Json(new { data = new { page_size = size, offset, total_count = reports.Length, results = reports.Skip(offset).Take(size) } }, Json);
    }

    // ---------------------------------------------------------------- operator API

    /// <summary>Request body of <c>POST /_operator/settings</c>: token lifetimes in seconds.</summary>
    public sealed record SimulatorSettings(int? UemTokenLifetimeSeconds, int? IntelligenceTokenLifetimeSeconds);

    /// <summary>Request body of <c>POST /_operator/tenants/{hostKey}/clients</c>.</summary>
    public sealed record CreateClientRequest(string Name, string? Description, Guid? OrganizationGroupUuid, string? Role);

    private static void MapOperator(RouteGroupBuilder op)
    {
        op.MapGet("/tenants", (SimulatorState s) => Results.Json(s.Tenants.Select(t => new
        {
            t.HostKey,
            t.RegionCode,
            t.Name,
            OrganizationGroups = t.OrganizationGroups.Select(o => new { o.Id, o.Uuid, o.Name, o.GroupId, Type = o.Type.ToString() }),
            Clients = t.Clients.Select(c => new { c.ClientId, c.Name, c.Description, c.OrganizationGroupUuid, Role = c.RoleName, c.Enabled, c.DailyUsage }),
            Devices = t.Devices.Select(d => new { d.Id, d.SerialNumber, d.FriendlyName, d.Platform, d.AntivirusStatus }),
        }), Json));

        op.MapPost("/tenants/{hostKey}/clients", async (HttpContext http, SimulatorState s, string hostKey) =>
        {
            var request = await http.Request.ReadFromJsonAsync<CreateClientRequest>(http.RequestAborted);
            if (request is null || string.IsNullOrWhiteSpace(request.Name))
            {
                return Results.Json(new { error = "name is required" }, Json, statusCode: 400);
            }

            try
            {
                var (id, secret) = s.CreateClient(hostKey, request.Name, request.Description ?? "", request.OrganizationGroupUuid, request.Role ?? SimulatorDemo.FullRole);
                // Like the UEM console: the secret is shown once and cannot be read again.
                return Results.Json(new { client_id = id, client_secret = secret }, Json, statusCode: 201);
            }
            catch (KeyNotFoundException ex)
            {
                return Results.Json(new { error = ex.Message }, Json, statusCode: 404);
            }
            catch (SimulatorLimitExceededException ex)
            {
                return Results.Json(new { error = ex.Message }, Json, statusCode: 409);
            }
        });

        op.MapPost("/clients/{clientId}/disable", (SimulatorState s, string clientId) => s.SetClientEnabled(clientId, false) ? Results.NoContent() : Results.NotFound());
        op.MapPost("/clients/{clientId}/enable", (SimulatorState s, string clientId) => s.SetClientEnabled(clientId, true) ? Results.NoContent() : Results.NotFound());

        op.MapPost("/faults", async (HttpContext http, SimulatorState s) =>
        {
            var fault = await http.Request.ReadFromJsonAsync<SimFault>(OperatorJson, http.RequestAborted);
            if (fault is null)
            {
                return Results.Json(new { error = "fault body required" }, Json, statusCode: 400);
            }

            try
            {
                s.AddFault(fault);
            }
            catch (SimulatorLimitExceededException ex)
            {
                return Results.Json(new { error = ex.Message }, Json, statusCode: 409);
            }

            return Results.NoContent();
        });
        op.MapDelete("/faults", (SimulatorState s) =>
        {
            s.ClearFaults();
            return Results.NoContent();
        });
        op.MapPost("/tokens/expire", (SimulatorState s) =>
        {
            s.ExpireAllTokens();
            return Results.NoContent();
        });
        op.MapPost("/settings", async (HttpContext http, SimulatorState s) =>
        {
            var settings = await http.Request.ReadFromJsonAsync<SimulatorSettings>(OperatorJson, http.RequestAborted);
            if (settings?.UemTokenLifetimeSeconds is > 0 and var uem)
            {
                s.UemTokenLifetime = TimeSpan.FromSeconds(uem);
            }

            if (settings?.IntelligenceTokenLifetimeSeconds is > 0 and var intel)
            {
                s.IntelligenceTokenLifetime = TimeSpan.FromSeconds(intel);
            }

            return Results.Json(new { uemTokenLifetimeSeconds = (int)s.UemTokenLifetime.TotalSeconds, intelligenceTokenLifetimeSeconds = (int)s.IntelligenceTokenLifetime.TotalSeconds }, Json);
        });
        op.MapGet("/requests", (SimulatorState s) => Results.Json(s.RequestLog, Json));
        op.MapDelete("/requests", (SimulatorState s) =>
        {
            s.ClearRequestLog();
            return Results.NoContent();
        });
        op.MapGet("/tenants/{hostKey}/commands", (SimulatorState s, string hostKey) => Results.Json(s.Commands(hostKey), Json));
        op.MapPost("/reset", (SimulatorState s) =>
        {
            s.Reset();
            return Results.NoContent();
        });
    }

    private static readonly JsonSerializerOptions OperatorJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
