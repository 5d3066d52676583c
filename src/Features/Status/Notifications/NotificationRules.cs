using System.Globalization;

namespace Portal.Features.Status.Notifications;

public enum NotificationEventKind
{
    TurnedFailing = 0,
    Recovered = 1,
    ReauthorisationNeeded = 2,
    Degraded = 3,
    RotationDue = 4,
    AttestationOverdue = 5,
}

/// <summary>
/// A notification-worthy event for one tenant. Text is built from names and statuses only, never secrets. Link: the
/// status board filtered to what the event is about (absolute), or null without Notifications:PortalBaseUrl.
/// </summary>
public sealed record NotificationEvent(NotificationEventKind Kind, int TenantId, string TenantName, IReadOnlyList<string> TenantTags, string EventKey, string Subject, string Body, string? Link = null);

/// <summary>Which status changes notify, and the debounce keys that make each event send once per channel.</summary>
public static class NotificationRules
{
    private static bool IsBad(ConnectionStatus s) => s is ConnectionStatus.Failing or ConnectionStatus.NeedsReauthorisation or ConnectionStatus.Degraded;

    /// <summary>
    /// Null when the change is not worth a message (e.g. Connected ↔ Not checked recently, or a first observation that is fine).
    /// <paramref name="previous"/> is null the first time a tenant is seen.
    /// </summary>
    public static NotificationEventKind? Classify(ConnectionStatus? previous, ConnectionStatus current)
    {
        if (previous == current)
        {
            return null; // debounce: no message while the state holds
        }

        return current switch
        {
            ConnectionStatus.NeedsReauthorisation => NotificationEventKind.ReauthorisationNeeded,
            ConnectionStatus.Failing => NotificationEventKind.TurnedFailing,
            ConnectionStatus.Degraded => NotificationEventKind.Degraded,
            ConnectionStatus.Connected when previous is { } p && IsBad(p) => NotificationEventKind.Recovered,
            _ => null,
        };
    }

    /// <summary>One key per tenant per state change: a repeat of the same change (same since-time) is dropped.</summary>
    public static string StatusChangeKey(int tenantId, ConnectionStatus current, DateTime sinceUtc) =>
        string.Create(CultureInfo.InvariantCulture, $"status:{tenantId}:{current}:{sinceUtc:yyyyMMddHHmmss}");

    public static string RotationKey(int tenantId, string secretKind, DateTime setUtc, int threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"rotation:{tenantId}:{secretKind}:{setUtc:yyyyMMddHHmmss}:{threshold}");

    public static string AttestationKey(int tenantId, DateTime? lastAttestedUtc) =>
        string.Create(CultureInfo.InvariantCulture, $"attestation:{tenantId}:{lastAttestedUtc:yyyyMMddHHmmss}");

    /// <summary>
    /// The board filter that shows what an event is about, next to the tenant: its new status, a due rotation or an
    /// overdue review. The search narrows to the tenant by name; the filter alone shows every tenant in the same state.
    /// </summary>
    public static StatusBoardQuery BoardFilter(NotificationEventKind kind, string tenantName, ConnectionStatus? current) => kind switch
    {
        NotificationEventKind.RotationDue => new StatusBoardQuery { Search = tenantName, Rotation = RotationFilter.Due },
        NotificationEventKind.AttestationOverdue => new StatusBoardQuery { Search = tenantName, ReviewOverdue = true },
        _ => new StatusBoardQuery { Search = tenantName, Status = current },
    };

    /// <summary>An absolute board link under the configured public base URL (never the request's Host), or null.</summary>
    public static string? BoardLink(string? portalBase, StatusBoardQuery filter) =>
        portalBase is null ? null : portalBase + "/status" + StatusQueryString.Build(filter);

    public static (string Subject, string Body) StatusMessage(NotificationEventKind kind, string tenantName, ConnectionStatus? previous, ConnectionStatus current, string? diagnosis, string? fix, string? link)
    {
        var now = StatusRules.Describe(current);
        var subject = kind switch
        {
            NotificationEventKind.Recovered => $"[Connector Portal] {tenantName} recovered: {now}",
            NotificationEventKind.ReauthorisationNeeded => $"[Connector Portal] {tenantName} needs re-authorisation",
            _ => $"[Connector Portal] {tenantName} is now {now}",
        };
        var lines = new List<string>
        {
            $"Tenant: {tenantName}",
            $"Status: {now}" + (previous is { } p ? $" (was {StatusRules.Describe(p)})" : ""),
        };
        if (!string.IsNullOrWhiteSpace(diagnosis))
        {
            lines.Add($"Diagnosis: {diagnosis}");
        }

        if (!string.IsNullOrWhiteSpace(fix))
        {
            lines.Add($"Fix: {fix}");
        }

        if (link is not null)
        {
            lines.Add($"Details: {link}");
        }

        return (subject, string.Join("\n", lines));
    }
}
