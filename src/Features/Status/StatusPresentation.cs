using System.Globalization;
using System.Text;
using Portal.Features.Tenants;
using Portal.Features.Validation;

namespace Portal.Features.Status;

/// <summary>Pure helpers the board, detail page, CSV export and notifications share (unit-tested).</summary>
public static class StatusPresentation
{
    public static readonly IReadOnlyList<ConnectionLayer> Layers = Enum.GetValues<ConnectionLayer>();

    public static string LayerLabel(ConnectionLayer layer) => layer switch
    {
        ConnectionLayer.UemToken => "UEM token",
        ConnectionLayer.UemApi => "UEM API / role",
        ConnectionLayer.ApiKey => "API key",
        ConnectionLayer.Intelligence => "Intelligence",
        _ => layer.ToString(),
    };

    public static string OutcomeLabel(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "OK",
        CheckOutcome.CredentialsRejected => "Credentials rejected",
        CheckOutcome.Throttled => "Throttled",
        CheckOutcome.RemoteError => "Remote error",
        CheckOutcome.Slow => "Slow",
        CheckOutcome.Failed => "Failed",
        _ => outcome.ToString(),
    };

    /// <summary>Severity of one check for colour and sparkline height: 0 ok, 1 degraded, 2 failing.</summary>
    public static int Severity(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => 0,
        CheckOutcome.Throttled or CheckOutcome.RemoteError or CheckOutcome.Slow => 1,
        _ => 2,
    };

    /// <summary>Which layer proves a secret works: its last Passed check is the secret's "last verified OK".</summary>
    public static ConnectionLayer LayerOf(TenantSecretKind kind) => kind switch
    {
        TenantSecretKind.UemClientSecret => ConnectionLayer.UemToken,
        TenantSecretKind.UemApiKey => ConnectionLayer.ApiKey,
        TenantSecretKind.IntelligenceClientSecret => ConnectionLayer.Intelligence,
        _ => ConnectionLayer.UemToken,
    };

    /// <summary>
    /// Polyline points for an inline SVG sparkline, oldest left. Height encodes severity (top = OK), so the line reads
    /// without colour. A run of checks at the same height is one segment (its inner points add nothing to the line and
    /// would only make every open board hold a longer string). Returns "" for no data.
    /// </summary>
    public static string SparklinePoints(IReadOnlyList<CheckOutcome> oldestFirst, int width = 60, int height = 16)
    {
        ArgumentNullException.ThrowIfNull(oldestFirst);
        if (oldestFirst.Count == 0)
        {
            return "";
        }

        var step = oldestFirst.Count == 1 ? 0 : (double)width / (oldestFirst.Count - 1);
        var builder = new StringBuilder();
        for (var i = 0; i < oldestFirst.Count; i++)
        {
            var severity = Severity(oldestFirst[i]);
            if (i > 0 && i < oldestFirst.Count - 1 && Severity(oldestFirst[i - 1]) == severity && Severity(oldestFirst[i + 1]) == severity)
            {
                continue;
            }

            var x = oldestFirst.Count == 1 ? width / 2.0 : i * step;
            var y = 2 + (height - 4) * severity / 2.0;
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(x.ToString("0.#", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("0.#", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>Count per status in worst-first order, including zeros, for the summary chips and chart.</summary>
    public static IReadOnlyList<(ConnectionStatus Status, int Count)> Summary(IReadOnlyDictionary<ConnectionStatus, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return Enum.GetValues<ConnectionStatus>().OrderBy(s => (int)s).Select(s => (s, counts.GetValueOrDefault(s))).ToList();
    }

    /// <summary>Board order: worst status first, then oldest status change (longest broken first), then name.</summary>
    public static IEnumerable<T> WorstFirst<T>(IEnumerable<T> rows, Func<T, ConnectionStatus> status, Func<T, DateTime?> since, Func<T, string> name) =>
        rows.OrderBy(r => (int)status(r)).ThenBy(r => since(r) ?? DateTime.MaxValue).ThenBy(name, StringComparer.OrdinalIgnoreCase);

    public static string Age(DateTime? utc, DateTime nowUtc)
    {
        if (utc is null)
        {
            return "never";
        }

        var age = nowUtc - utc.Value;
        if (age < TimeSpan.FromMinutes(1))
        {
            return "just now";
        }

        if (age < TimeSpan.FromHours(1))
        {
            return $"{(int)age.TotalMinutes} min ago";
        }

        return age < TimeSpan.FromDays(2) ? $"{(int)age.TotalHours} h ago" : $"{(int)age.TotalDays} days ago";
    }
}

/// <summary>When a team lead's review of a tenant is due again.</summary>
public static class AttestationRules
{
    public enum State
    {
        Current = 0,
        DueSoon = 1,
        Overdue = 2,
        Never = 3,
    }

    /// <summary>Due soon in the last 14 days before overdue.</summary>
    public static State Assess(DateTime? lastAttestedUtc, DateTime nowUtc, int overdueDays)
    {
        if (lastAttestedUtc is null)
        {
            return State.Never;
        }

        var age = nowUtc - lastAttestedUtc.Value;
        if (age >= TimeSpan.FromDays(overdueDays))
        {
            return State.Overdue;
        }

        return age >= TimeSpan.FromDays(Math.Max(0, overdueDays - 14)) ? State.DueSoon : State.Current;
    }

    /// <summary>Null when fine; otherwise why the comment is refused.</summary>
    public static string? ValidateComment(string? comment)
    {
        var trimmed = comment?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "A comment is required: say what you reviewed.";
        }

        return FreeText.Check("Comment", comment, StatusAttestation.CommentMaxLength, multiLine: true);
    }
}
