using System.Globalization;
using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>The UEM MDM API: device search, device commands and the device event log.</summary>
internal static class UemMdmApi
{
    /// <summary>Results <c>devices/search</c> returns at most, however it is paged.</summary>
    internal const int SearchResultCap = 10_000;

    internal static void Map(RouteGroupBuilder api, Func<HttpContext, SimulatorState, string> hostKey)
    {
        api.MapGet("/mdm/devices/search", (HttpContext http, SimulatorState s) =>
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionDevicesRead, (tenant, _, version) =>
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
                // Like UEM, the search stops at its first 10,000 results; past them, or with no match, it answers 204.
                var slice = devices.Take(SearchResultCap).Skip(page * pageSize).Take(pageSize).ToList();
                if (slice.Count == 0)
                {
                    return Results.NoContent();
                }

                var apiVersion = version >= 2 ? 2 : 1;
                return Results.Json(new
                {
                    Devices = slice.Select(d => DeviceJson(tenant, d)),
                    Page = page,
                    PageSize = pageSize,
                    Total = devices.Count,
                }, Json, ContentType(apiVersion));
            }));

        // mdm v1 EventLog_GetEventLogsByDeviceAsync: 200 with DeviceEventLogSearchResult, or 204 when the page is empty.
        api.MapGet("/mdm/devices/{deviceId}/eventlog", (HttpContext http, SimulatorState s, string deviceId) =>
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionDevicesRead, (tenant, _, _) =>
            {
                var device = int.TryParse(deviceId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                    ? tenant.Devices.FirstOrDefault(d => d.Id == id)
                    : null;
                if (device is null)
                {
                    return UemError(404, 5002, "Device not found");
                }

                var q = http.Request.Query;
                var dayRange = ParseInt(q["dayrange"], 0);
                var since = dayRange > 0 ? s.Time.GetUtcNow().AddDays(-dayRange) : DateTimeOffset.MinValue;
                var events = s.DeviceEvents(tenant.HostKey, device.Id).Where(e => e.At >= since).ToList();
                var page = Math.Max(0, ParseInt(q["page"], 0));
                var pageSize = Math.Clamp(ParseInt(q["pagesize"], 500), 1, 500);
                var entries = events.Skip(page * pageSize).Take(pageSize).ToList();
                if (entries.Count == 0)
                {
                    return Results.StatusCode(204);
                }

                return Results.Json(new
                {
                    DeviceEventLogEntries = entries.Select(e => new
                    {
                        e.Severity,
                        // UTC, without an offset, to the millisecond (the documented example shows only the shape "a string").
                        TimeStamp = e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture),
                        e.Source,
                        e.Event,
                        e.AdminAccount,
                    }),
                    Page = page,
                    PageSize = pageSize,
                    Total = events.Count,
                }, Json, ContentType(1));
            }));

        // Device by alternate id (mdm v1 Devices_GetByAlternateIdAsync): one device, 404 when none has that id.
        api.MapGet("/mdm/devices", (HttpContext http, SimulatorState s) =>
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionDevicesRead, (tenant, _, _) =>
            {
                var id = http.Request.Query["id"].ToString();
                Func<SimDevice, bool>? match = http.Request.Query["searchby"].ToString().ToUpperInvariant() switch
                {
                    "SERIALNUMBER" => d => string.Equals(d.SerialNumber, id, StringComparison.OrdinalIgnoreCase),
                    "DEVICEID" => d => string.Equals(d.Id.ToString(CultureInfo.InvariantCulture), id, StringComparison.Ordinal),
                    "UDID" or "MACADDRESS" or "IMEINUMBER" or "EASID" => _ => false, // ids the simulator does not hold
                    _ => null,
                };
                if (match is null)
                {
                    return UemError(422, 5003, "Invalid searchby parameter");
                }

                var device = string.IsNullOrEmpty(id) ? null : tenant.Devices.FirstOrDefault(match);
                return device is null
                    ? UemError(404, 5002, "Device not found")
                    : Results.Json(DeviceJson(tenant, device), Json, ContentType(1));
            }));

        api.MapPost("/mdm/devices/{deviceId}/commands", (HttpContext http, SimulatorState s, string deviceId) =>
            UemApi.CallAsync(http, s, hostKey(http, s), SimulatorDemo.PermissionDevicesAdvanced, (tenant, token, _) =>
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

    /// <summary>A device as UEM v1 returns it (the fields of <c>Device</c>/<c>DeviceExtended</c> the simulator holds).</summary>
    private static object DeviceJson(SimTenant tenant, SimDevice d) => new
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
    };
}
