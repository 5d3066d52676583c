using System.Globalization;
using Portal.Features.Users;

namespace Portal.Features.Status;

public static class StatusEndpoints
{
    /// <summary>CSV export of the board as filtered, streamed to the response.</summary>
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/status/export.csv", async (HttpContext http, StatusService status) =>
        {
            var query = StatusQueryString.Parse(http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"status-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv\"";
            await status.ExportCsvAsync(query, http.Response.Body, http.RequestAborted);
        }).RequireAuthorization(policy => policy.RequireRole(Roles.Readers));
        return endpoints;
    }
}

/// <summary>Board filters in the address bar (shareable, and the export uses the same).</summary>
public static class StatusQueryString
{
    public static StatusBoardQuery Parse(IReadOnlyDictionary<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        return new StatusBoardQuery
        {
            Search = Get("search"),
            Tag = Get("tag"),
            RegionId = int.TryParse(Get("region"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : null,
            Status = Enum.TryParse<ConnectionStatus>(Get("status"), ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null,
            Rotation = ParseRotation(Get("rotation")) ?? RotationFilter.Any,
            ReviewOverdue = ParseReview(Get("review")) ?? false,
        };
    }

    /// <summary>"due" or "overdue"; anything else (including a number, which Enum.TryParse would take) is null.</summary>
    public static RotationFilter? ParseRotation(string? value) => value?.ToUpperInvariant() switch
    {
        "DUE" => RotationFilter.Due,
        "OVERDUE" => RotationFilter.Overdue,
        _ => null,
    };

    /// <summary>"overdue"; anything else is null.</summary>
    public static bool? ParseReview(string? value) => string.Equals(value, "overdue", StringComparison.OrdinalIgnoreCase) ? true : null;

    public static string? RotationValue(RotationFilter rotation) => rotation switch
    {
        RotationFilter.Due => "due",
        RotationFilter.Overdue => "overdue",
        _ => null,
    };

    public static string Build(StatusBoardQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("search", query.Search);
        Add("tag", query.Tag);
        Add("region", query.RegionId?.ToString(CultureInfo.InvariantCulture));
        Add("status", query.Status?.ToString());
        Add("rotation", RotationValue(query.Rotation));
        Add("review", query.ReviewOverdue ? "overdue" : null);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
