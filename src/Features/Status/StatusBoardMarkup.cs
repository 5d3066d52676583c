using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Portal.Features.Status;

/// <summary>One board row as an open page keeps it: what its two controls need, and its read-only cells as HTML.</summary>
public sealed record StatusBoardRowView(int TenantId, string SelectLabel, string CheckLabel, MarkupString Cells);

/// <summary>
/// The status board's read-only cells as plain HTML, built once per load. A Blazor component (or even a Razor element
/// with a few attributes) per cell costs server memory for as long as the page is open, in every circuit: with 25 rows ×
/// 10 cells of MudBlazor components the board held about 4 MB per circuit. Cells with no control in them are one
/// markup frame per row instead. Every value that comes from data is HTML-encoded here.
/// </summary>
public static class StatusBoardMarkup
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    private static readonly FrozenDictionary<ConnectionStatus, MarkupString> StatusIcons =
        Enum.GetValues<ConnectionStatus>().ToFrozenDictionary(s => s, s => new MarkupString(IconUse($"st-s-{s}", "st-icon")));

    private static readonly FrozenDictionary<ConnectionStatus, string> StatusChips =
        Enum.GetValues<ConnectionStatus>().ToFrozenDictionary(s => s, s =>
            $"<span class=\"status-chip {Tone(StatusUi.Color(s))}\" data-status=\"{s}\">{StatusIcons[s]}{Encoder.Encode(StatusRules.Describe(s))}</span>");

    /// <summary>
    /// The icons the cells point at with <c>&lt;use&gt;</c>, once per page: one symbol per status and per outcome severity,
    /// drawn from the same MudBlazor icons as the rest of the portal.
    /// </summary>
    public static MarkupString IconSprite { get; } = new(BuildSprite());

    /// <summary>The column headers of the cells <see cref="Cells"/> renders.</summary>
    public static MarkupString CellHeaders { get; } = new(
        "<th scope=\"col\">Tenant</th><th scope=\"col\">Status</th>"
        + string.Concat(StatusPresentation.Layers.Select(l => $"<th scope=\"col\">{Encoder.Encode(StatusPresentation.LayerLabel(l))}</th>"))
        + "<th scope=\"col\">Reviewed</th>");

    /// <summary><c>&lt;option&gt;</c> elements for a native select, with an optional first "all" option of value "".</summary>
    public static MarkupString Options(string? allLabel, IEnumerable<(string Value, string Label)> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var html = new StringBuilder();
        if (allLabel is not null)
        {
            html.Append("<option value=\"\">").Append(Encoder.Encode(allLabel)).Append("</option>");
        }

        foreach (var (value, label) in options)
        {
            html.Append("<option value=\"").Append(Encoder.Encode(value)).Append("\">").Append(Encoder.Encode(label)).Append("</option>");
        }

        return new MarkupString(html.ToString());
    }

    /// <summary>What a summary chip shows: the status icon and "Failing: 3".</summary>
    public static MarkupString SummaryChipContent(ConnectionStatus status, int count) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{StatusIcons[status]}{Encoder.Encode(StatusRules.Describe(status))}: {count}"));

    /// <summary>
    /// The stacked bar of counts per status (an SVG image named by the counts, each part titled), or nothing when there
    /// are no tenants.
    /// </summary>
    public static MarkupString SummaryBar(IReadOnlyList<(ConnectionStatus Status, int Count)> summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var total = summary.Sum(s => s.Count);
        if (total == 0)
        {
            return default;
        }

        var parts = summary.Where(s => s.Count > 0).ToList();
        var label = "Tenants by status: " + string.Join(", ", parts.Select(s => string.Create(CultureInfo.InvariantCulture, $"{StatusRules.Describe(s.Status)} {s.Count}")));
        var html = new StringBuilder("<svg width=\"100%\" height=\"14\" viewBox=\"0 0 1000 14\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
            .Append(Encoder.Encode(label)).Append("\" class=\"status-summary-bar\">");
        double x = 0;
        foreach (var (status, count) in parts)
        {
            var width = 1000.0 * count / total;
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.##}\" y=\"0\" width=\"{width:0.##}\" height=\"14\" fill=\"{StatusUi.Hex(status)}\"><title>")
                .Append(Encoder.Encode($"{StatusRules.Describe(status)}: {count.ToString(CultureInfo.InvariantCulture)}")).Append("</title></rect>");
            x += width;
        }

        return new MarkupString(html.Append("</svg>").ToString());
    }

    /// <summary>Icon for one status (decorative: the status text always stands next to it).</summary>
    public static MarkupString StatusIcon(ConnectionStatus status) => StatusIcons[status];

    /// <summary>A small inline SVG icon (no component) for native buttons; decorative, the button carries the label.</summary>
    public static MarkupString Icon(string mudIcon) => new($"<svg class=\"status-icon-svg\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\">{mudIcon}</svg>");

    /// <summary>A Material icon in MudIcon's classes, for a native button dressed as a MudButton; decorative.</summary>
    public static MarkupString ButtonIcon(string mudIcon) =>
        new($"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-medium\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">{mudIcon}</svg>");

    /// <summary>The CSS class that colours a chip, icon or button like MudBlazor's <see cref="Color"/>.</summary>
    public static string Tone(Color color) => color switch
    {
        Color.Error => "st-tone-error",
        Color.Warning => "st-tone-warning",
        Color.Success => "st-tone-success",
        Color.Info => "st-tone-info",
        Color.Primary => "st-tone-primary",
        _ => "st-tone-default",
    };

    /// <summary>
    /// Views of a freshly loaded page. A row whose HTML did not change keeps its previous view, so a live reload does not
    /// leave the open page holding two copies of the same strings (the renderer keeps the last render's tree for diffing);
    /// otherwise it takes the view other open boards already hold for the same row, if any (<see cref="SharedStatusRows"/>).
    /// </summary>
    public static IReadOnlyList<StatusBoardRowView> ToViews(IReadOnlyList<StatusBoardRow> rows, DateTime nowUtc, IReadOnlyList<StatusBoardRowView>? previous,
        SharedStatusRows? shared = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var views = new List<StatusBoardRowView>(rows.Count);
        foreach (var row in rows)
        {
            var built = new StatusBoardRowView(row.TenantId, $"Select {row.TenantName}", $"Check {row.TenantName} now", new MarkupString(Cells(row, nowUtc)));
            var old = previous?.FirstOrDefault(v => v.TenantId == row.TenantId);
            views.Add(old is not null && SameView(old, built) ? old : shared?.Share(built) ?? built);
        }

        return views;
    }

    /// <summary>Whether two views show the same row the same way (ordinal: any change in the HTML is a change).</summary>
    public static bool SameView(StatusBoardRowView a, StatusBoardRowView b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.TenantId == b.TenantId && string.Equals(a.SelectLabel, b.SelectLabel, StringComparison.Ordinal)
            && string.Equals(a.CheckLabel, b.CheckLabel, StringComparison.Ordinal) && string.Equals(a.Cells.Value, b.Cells.Value, StringComparison.Ordinal);
    }

    /// <summary>The Tenant, Status, one cell per layer and Reviewed cells of one row, as <c>&lt;td&gt;</c> elements.</summary>
    public static string Cells(StatusBoardRow row, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(row);
        var html = new StringBuilder(1536);
        html.Append("<td><a class=\"status-tenant\" href=\"/status/").Append(row.TenantId.ToString(CultureInfo.InvariantCulture))
            .Append("\" data-testid=\"tenant-link\">").Append(Encoder.Encode(row.TenantName))
            .Append("</a><div class=\"status-caption\">").Append(Encoder.Encode(row.Region)).Append("</div></td>");

        html.Append("<td>").Append(StatusChips[row.Status])
            .Append("<div class=\"status-caption\">since ").Append(Encoder.Encode(StatusPresentation.Age(row.StatusSinceUtc, nowUtc))).Append("</div></td>");

        foreach (var layer in StatusPresentation.Layers)
        {
            AppendLayer(html, layer, row.Cells.FirstOrDefault(c => c.Layer == layer), nowUtc);
        }

        html.Append("<td>");
        if (row.LastAttestedUtc is null)
        {
            html.Append("Never");
        }
        else
        {
            html.Append(Encoder.Encode(StatusPresentation.Age(row.LastAttestedUtc, nowUtc)))
                .Append("<div class=\"status-caption\">by ").Append(Encoder.Encode(row.LastAttestedBy ?? "")).Append("</div>");
        }

        return html.Append("</td>").ToString();
    }

    /// <summary>Accessible name of a sparkline: the counts it draws, so the line is never the only way to read them.</summary>
    public static string SparklineLabel(IReadOnlyList<CheckOutcome> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var ok = history.Count(o => o == CheckOutcome.Passed);
        return $"Last {history.Count} checks: {ok} OK, {history.Count - ok} not OK";
    }

    private static void AppendLayer(StringBuilder html, ConnectionLayer layer, StatusCell? cell, DateTime nowUtc)
    {
        html.Append("<td data-layer=\"").Append(layer).Append("\">");
        AppendLayerContent(html, cell, nowUtc);
        html.Append("</td>");
    }

    /// <summary>
    /// The inside of one layer cell (outcome icon and label, age, sparkline; or "Not checked"): the one rendering of a layer,
    /// used by the board's cells and by <c>LayerCell</c> on the detail page. Needs <see cref="IconSprite"/> on the page.
    /// </summary>
    public static MarkupString LayerContent(StatusCell? cell, DateTime nowUtc)
    {
        var html = new StringBuilder(512);
        AppendLayerContent(html, cell, nowUtc);
        return new MarkupString(html.ToString());
    }

    private static void AppendLayerContent(StringBuilder html, StatusCell? cell, DateTime nowUtc)
    {
        if (cell?.Outcome is not { } outcome)
        {
            html.Append("<span class=\"status-muted\">Not checked</span>");
            return;
        }

        var severity = StatusPresentation.Severity(outcome);
        html.Append("<span class=\"status-outcome\"");
        if (!string.IsNullOrEmpty(cell.Diagnosis))
        {
            html.Append(" title=\"").Append(Encoder.Encode(cell.Diagnosis)).Append('"');
        }

        html.Append('>').Append(IconUse($"st-o-{severity}", $"st-icon {Tone(StatusUi.Color(outcome))}"))
            .Append(Encoder.Encode(StatusPresentation.OutcomeLabel(outcome))).Append("</span>")
            .Append("<div class=\"status-caption\">").Append(Encoder.Encode(StatusPresentation.Age(cell.CheckedUtc, nowUtc))).Append("</div>");
        if (cell.History.Count > 1)
        {
            html.Append("<svg width=\"60\" height=\"16\" viewBox=\"0 0 60 16\" role=\"img\" aria-label=\"").Append(Encoder.Encode(SparklineLabel(cell.History)))
                .Append("\" class=\"status-sparkline\"><polyline points=\"").Append(StatusPresentation.SparklinePoints(cell.History)).Append("\"></polyline></svg>");
        }
    }

    private static string IconUse(string symbolId, string cssClass) =>
        $"<svg class=\"{cssClass}\" aria-hidden=\"true\"><use href=\"#{symbolId}\"></use></svg>";

    private static string BuildSprite()
    {
        var sprite = new StringBuilder("<svg class=\"st-sprite\" aria-hidden=\"true\" focusable=\"false\" width=\"0\" height=\"0\">");
        foreach (var status in Enum.GetValues<ConnectionStatus>())
        {
            sprite.Append("<symbol id=\"st-s-").Append(status).Append("\" viewBox=\"0 0 24 24\">").Append(StatusUi.Icon(status)).Append("</symbol>");
        }

        foreach (var outcome in new[] { CheckOutcome.Passed, CheckOutcome.Slow, CheckOutcome.Failed })
        {
            sprite.Append("<symbol id=\"st-o-").Append(StatusPresentation.Severity(outcome).ToString(CultureInfo.InvariantCulture))
                .Append("\" viewBox=\"0 0 24 24\">").Append(StatusUi.Icon(outcome)).Append("</symbol>");
        }

        return sprite.Append("</svg>").ToString();
    }
}
