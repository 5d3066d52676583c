using System.Globalization;
using System.Text.Json;
using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>The Intelligence API: <c>/v2/metadata/entities</c> and <c>/v2/reports/search</c>.</summary>
internal static class IntelligenceApi
{
    internal static void Map(IEndpointRouteBuilder root)
    {
        root.MapPost("/v2/metadata/entities", IntelligenceEntitiesAsync);
        root.MapPost("/v2/reports/search", IntelligenceReportsAsync);
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
}
