namespace Portal.Features.Home;

/// <summary>One thing on a card that needs attention: a tenant (or a result) and where to act on it.</summary>
public sealed record AttentionItem(string Text, string? Detail, string? Href);

/// <summary>
/// One home card. <see cref="Items"/> lists at most a few entries; <see cref="TotalCount"/> says how many there are in all,
/// so the card can say "and 12 more" and link onward instead of loading every tenant.
/// </summary>
public sealed record AttentionCard(
    string Key,
    string Audience,
    string Title,
    string Summary,
    IReadOnlyList<AttentionItem> Items,
    int TotalCount,
    string ActionText,
    string ActionHref)
{
    public int MoreCount => Math.Max(0, TotalCount - Items.Count);
}
