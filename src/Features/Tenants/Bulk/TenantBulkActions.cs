using Portal.Features.Setup;
using Portal.Features.Status;

namespace Portal.Features.Tenants.Bulk;

public enum TenantBulkAction
{
    AddTag = 0,
    RemoveTag = 1,
    Archive = 2,
    StartSetup = 3,
    CheckNow = 4,
}

/// <summary>What happened to one selected tenant: done, or refused with the single action's own message.</summary>
public sealed record TenantBulkOutcome(int TenantId, bool Succeeded, string? Reason);

/// <summary>The outcome per tenant and a one-line summary ("7 archived, 1 refused: …").</summary>
public sealed record TenantBulkResult(TenantBulkAction Action, IReadOnlyList<TenantBulkOutcome> Outcomes)
{
    public int SucceededCount => Outcomes.Count(o => o.Succeeded);

    public string Summary
    {
        get
        {
            var verb = Action switch
            {
                TenantBulkAction.AddTag => "tagged",
                TenantBulkAction.RemoveTag => "untagged",
                TenantBulkAction.Archive => "archived",
                TenantBulkAction.StartSetup => "set-up started",
                _ => "checked",
            };
            var parts = new List<string> { $"{SucceededCount} {verb}" };
            parts.AddRange(Outcomes.Where(o => !o.Succeeded).GroupBy(o => o.Reason ?? "refused")
                .Select(g => $"{g.Count()} refused: {g.Key}"));
            return string.Join(", ", parts);
        }
    }
}

/// <summary>
/// Bulk actions of the tenants list. Each tenant goes through the single action's use case (its role check, tenant
/// scope, validation and audit entry), one after the other, so a bulk action can do nothing a single one could not.
/// </summary>
public sealed class TenantBulkActions(TenantService tenants, SetupService setup, StatusService status)
{
    public async Task<TenantBulkResult> RunAsync(TenantBulkAction action, IReadOnlyCollection<int> tenantIds, string? tag = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        if (action is TenantBulkAction.AddTag or TenantBulkAction.RemoveTag && string.IsNullOrWhiteSpace(tag))
        {
            throw new ArgumentException("A tag is required for tag actions.", nameof(tag));
        }

        var outcomes = new List<TenantBulkOutcome>();
        foreach (var id in tenantIds.Distinct())
        {
            ct.ThrowIfCancellationRequested();
            var refusal = action switch
            {
                TenantBulkAction.AddTag => await tenants.ChangeAsync(id, m => m.TagsText = string.Join(", ", [.. TenantTags.Parse(m.TagsText), TenantTags.Normalize(tag!)]), ct),
                TenantBulkAction.RemoveTag => await tenants.ChangeAsync(id, m => m.TagsText = string.Join(", ", TenantTags.Parse(m.TagsText).Where(t => t != TenantTags.Normalize(tag!))), ct),
                TenantBulkAction.Archive => await tenants.ArchiveAsync(id, ct) is { Succeeded: false } archive ? archive.Message : null,
                TenantBulkAction.StartSetup => await setup.StartAsync(id, SetupRunKind.InitialSetup, ct) is { Succeeded: false } start ? start.Error : null,
                _ => await status.CheckNowAsync([id], ct) is { Succeeded: false } check ? "not checked: outside your tenant scope, archived or deleted" : null,
            };
            outcomes.Add(new TenantBulkOutcome(id, refusal is null, refusal));
        }

        return new TenantBulkResult(action, outcomes);
    }
}
