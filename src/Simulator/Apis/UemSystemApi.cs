using System.Text;
using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>The UEM system API: server info, organisation groups, API keys, Intelligence EULA.</summary>
internal static class UemSystemApi
{
    private static readonly string[] ApiAreas = ["mdm", "mam", "mcm", "system", "mem"];

    internal static void Map(RouteGroupBuilder api, Func<HttpContext, SimulatorState, string> hostKey)
    {
        api.MapGet("/system/info", (HttpContext http, SimulatorState s) =>
            UemApi.CallAsync(http, s, hostKey(http, s), null, (tenant, _, version) => Results.Json(new
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
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionGroupsRead, (tenant, _, version) =>
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
                if (slice.Count == 0)
                {
                    return Results.NoContent(); // UEM answers an empty search with 204, not an empty list
                }

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
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionApiKeysRead, (tenant, _, _) =>
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
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionGroupsRead, (tenant, _, _) =>
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
    }

    private static SimOrganizationGroup? FindOg(SimTenant tenant, string uuid) =>
        Guid.TryParse(uuid, out var id) ? tenant.OrganizationGroups.FirstOrDefault(o => o.Uuid == id) : null;

    private static Guid DeterministicUuid(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new Guid(hash.AsSpan(0, 16));
    }
}
