using System.Globalization;

namespace Portal.Features.Audit;

/// <summary>Round-trips an <see cref="AuditFilter"/> through the URL so an auditor can share the exact view.</summary>
public static class AuditQueryString
{
    public static AuditFilter Parse(IReadOnlyDictionary<string, string?> query) => new()
    {
        FromUtc = ParseDate(query.GetValueOrDefault("from")),
        ToUtc = ParseDate(query.GetValueOrDefault("to")),
        Actor = Blank(query.GetValueOrDefault("actor")),
        TenantId = Blank(query.GetValueOrDefault("tenant")),
        Action = Blank(query.GetValueOrDefault("action")),
        Outcome = Enum.TryParse<AuditOutcome>(query.GetValueOrDefault("outcome"), ignoreCase: true, out var outcome) && Enum.IsDefined(outcome) ? outcome : null,
    };

    public static Dictionary<string, object?> ToQuery(AuditFilter filter) => new()
    {
        ["from"] = filter.FromUtc?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["to"] = filter.ToUtc?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["actor"] = filter.Actor,
        ["tenant"] = filter.TenantId,
        ["action"] = filter.Action,
        ["outcome"] = filter.Outcome?.ToString(),
    };

    private static DateTime? ParseDate(string? value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
