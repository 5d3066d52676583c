namespace Portal.Features.Status;

/// <summary>The connection layers the board shows, in the order a connection depends on them.</summary>
public enum ConnectionLayer
{
    UemToken = 1,
    UemApi = 2,
    ApiKey = 3,
    Intelligence = 4,
}

/// <summary>What one check of one layer found, reduced to what status derivation needs.</summary>
public enum CheckOutcome
{
    Passed = 0,

    /// <summary><c>invalid_client</c> from the token service or 401 from the API: the credentials no longer work.</summary>
    CredentialsRejected = 1,

    /// <summary>429: the tenant is being rate-limited.</summary>
    Throttled = 2,

    /// <summary>5xx or timeout on the remote side.</summary>
    RemoteError = 3,

    /// <summary>Passed, but slower than the configured threshold.</summary>
    Slow = 4,

    /// <summary>Any other failure (DNS, TLS, role lacks permission, OG not found, …).</summary>
    Failed = 5,
}

/// <summary>Connection status, worst first (the board's sort order).</summary>
public enum ConnectionStatus
{
    Failing = 0,
    NeedsReauthorisation = 1,
    Degraded = 2,
    Stale = 3,
    SetupInProgress = 4,
    Connected = 5,
    NotConfigured = 6,
}

public sealed record LayerCheck(ConnectionLayer Layer, CheckOutcome Outcome, DateTime CheckedUtc);

/// <summary>Derives a tenant's status from evidence only: no check within the interval means we do not know.</summary>
public static class StatusRules
{
    public static ConnectionStatus Derive(
        bool credentialsConfigured,
        bool setupInProgress,
        IReadOnlyCollection<LayerCheck> latestPerLayer,
        DateTime nowUtc,
        TimeSpan checkInterval)
    {
        if (!credentialsConfigured)
        {
            return setupInProgress ? ConnectionStatus.SetupInProgress : ConnectionStatus.NotConfigured;
        }

        if (latestPerLayer.Count == 0)
        {
            return setupInProgress ? ConnectionStatus.SetupInProgress : ConnectionStatus.Stale;
        }

        if (latestPerLayer.Any(c => c.Outcome == CheckOutcome.CredentialsRejected))
        {
            return ConnectionStatus.NeedsReauthorisation;
        }

        if (latestPerLayer.Any(c => c.Outcome == CheckOutcome.Failed))
        {
            return ConnectionStatus.Failing;
        }

        if (latestPerLayer.Any(c => c.Outcome is CheckOutcome.Throttled or CheckOutcome.RemoteError or CheckOutcome.Slow))
        {
            return ConnectionStatus.Degraded;
        }

        // "Connected" only on fresh evidence: the newest check of every layer passed within one interval.
        var oldest = latestPerLayer.Min(c => c.CheckedUtc);
        if (nowUtc - oldest > checkInterval)
        {
            return ConnectionStatus.Stale;
        }

        return setupInProgress ? ConnectionStatus.SetupInProgress : ConnectionStatus.Connected;
    }

    public static string Describe(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Failing => "Failing",
        ConnectionStatus.NeedsReauthorisation => "Needs re-authorisation",
        ConnectionStatus.Degraded => "Degraded",
        ConnectionStatus.Stale => "Not checked recently",
        ConnectionStatus.SetupInProgress => "Setup in progress",
        ConnectionStatus.Connected => "Connected",
        ConnectionStatus.NotConfigured => "Not configured",
        _ => status.ToString(),
    };
}

/// <summary>
/// Rotation policy for secrets. UEM client secrets do not expire, but a policy age (default 180 days)
/// keeps rotation a habit; warnings start 30 days before the due date.
/// </summary>
public static class RotationPolicy
{
    public static readonly IReadOnlyList<int> WarningDays = [30, 14, 7, 1];

    public sealed record Assessment(int AgeDays, int DaysUntilDue, bool IsOverdue, int? WarningThreshold);

    /// <summary>
    /// Secrets set at or before this instant are due (<paramref name="filter"/> Due: warned about, i.e. within
    /// <see cref="WarningDays"/>' first day of the policy age or past it) or overdue; the same days <see cref="Assess"/> counts.
    /// </summary>
    public static DateTime DueCutoff(RotationFilter filter, DateTime nowUtc, int policyDays) =>
        nowUtc.AddDays(-(filter == RotationFilter.Overdue ? policyDays : Math.Max(0, policyDays - WarningDays.Max())));

    public static Assessment Assess(DateTime setUtc, DateTime nowUtc, int policyDays = 180)
    {
        var age = (int)Math.Floor((nowUtc - setUtc).TotalDays);
        var until = policyDays - age;
        int? threshold = until <= 0 ? 0 : WarningDays.Where(d => until <= d).Cast<int?>().Min();
        return new Assessment(age, until, until <= 0, threshold);
    }
}
