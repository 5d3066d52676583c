using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Setup;
using Portal.Features.Setup.Demo;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Home;

/// <summary>
/// What needs attention now, per role, as home cards. Roles are checked here (not by hiding cards), tenants go through
/// <see cref="TenantScope"/>, and each card is one or two indexed queries over the scoped tenants: no per-tenant loops,
/// no secret is decrypted. A user with several roles gets each card once.
/// </summary>
public sealed class HomeAttentionQuery(
    IDbContextFactory<PortalDbContext> dbFactory,
    CurrentUser currentUser,
    TenantScope scope,
    StatusService status,
    IOptions<StatusOptions> statusOptions,
    IOptions<DemoOptions> demoOptions,
    TimeProvider clock)
{
    public const int ItemsPerCard = 5;

    public async Task<IReadOnlyList<AttentionCard>> LoadAsync(CancellationToken ct = default)
    {
        var user = await currentUser.GetPrincipalAsync();
        if (user.Identity?.IsAuthenticated != true)
        {
            return [];
        }

        var runsSetups = user.IsInRole(Roles.Helpdesk) || user.IsInRole(Roles.Admin);
        var leadsTeam = user.IsInRole(Roles.TeamLead) || user.IsInRole(Roles.Admin);
        var audits = user.IsInRole(Roles.Auditor) || user.IsInRole(Roles.Admin);
        if (!runsSetups && !leadsTeam && !audits)
        {
            return [new("no-role", "No role yet", "Ask for a role",
                "Your account has no role yet, so there is nothing to do here. Ask an administrator to give you the Helpdesk, TeamLead or Auditor role.",
                [], 0, "", "")];
        }

        var filter = await scope.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenants = filter.Apply(db.Set<Tenant>().AsNoTracking()).Where(t => !t.IsArchived);
        var cards = new List<AttentionCard>();
        if (runsSetups)
        {
            if (demoOptions.Value.Enabled && await DemoCardAsync(tenants, ct) is { } demo)
            {
                cards.Add(demo); // first: in demo mode the simulator is the quickest way to see the whole runbook
            }

            cards.Add(await SetupsInProgressAsync(db, tenants, ct));
            cards.Add(await FailingAsync(db, tenants, now, ct));
        }

        if (leadsTeam)
        {
            cards.Add(await StatusSummaryAsync(ct));
            cards.Add(await RotationsDueAsync(db, tenants, now, ct));
            cards.Add(await ReviewsOverdueAsync(db, tenants, now, ct));
        }

        if (audits)
        {
            cards.Add(await IntegrityAsync(db, now, ct));
        }

        return cards;
    }

    private static async Task<AttentionCard?> DemoCardAsync(IQueryable<Tenant> tenants, CancellationToken ct)
    {
        var normalized = DemoTenantSeeder.DemoTenantName.ToUpperInvariant();
        var demoId = await tenants.Where(t => t.NormalizedName == normalized).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        return demoId is { } id
            ? new("demo", "Demo mode", $"Try the whole runbook on {DemoTenantSeeder.DemoTenantName}",
                "A simulated customer tenant: create the OAuth client, paste its credentials and watch each step verified over the APIs, without touching a real UEM console.",
                [], 0, "Open the demo runbook", $"/setup/{id}")
            : null;
    }

    private static async Task<AttentionCard> SetupsInProgressAsync(PortalDbContext db, IQueryable<Tenant> tenants, CancellationToken ct)
    {
        var active = from r in db.Set<SetupRun>().AsNoTracking()
                     join t in tenants on r.TenantId equals t.Id
                     where r.FinishedUtc == null
                     select new { r.TenantId, t.DisplayName, r.Kind, r.StartedUtc, r.StartedBy, Steps = r.Steps.Select(s => new { s.Order, s.Step, s.State }).ToList() };
        var total = await active.CountAsync(ct);
        var newest = await active.OrderByDescending(r => r.StartedUtc).Take(ItemsPerCard).ToListAsync(ct);
        var items = newest.Select(r => new AttentionItem(r.DisplayName,
            SetupState.Of(r.Kind, null, r.Steps.Select(s => new SetupStepState(s.Order, s.Step, s.State))).Describe() + $" · started by {r.StartedBy}",
            $"/setup/{r.TenantId}")).ToList();
        return new("setups", "Helpdesk", "Set-ups in progress",
            total == 0 ? "No set-ups in progress. Pick a tenant on the Setup page to start one." : Count(total, "set-up", "set-ups") + " waiting for their next step.",
            items, total, total == 0 ? "Start a set-up" : "See all set-ups", "/setup");
    }

    private static async Task<AttentionCard> FailingAsync(PortalDbContext db, IQueryable<Tenant> tenants, DateTime now, CancellationToken ct)
    {
        var failing = from s in db.Set<TenantStatusSnapshot>().AsNoTracking()
                      join t in tenants on s.TenantId equals t.Id
                      where s.Status == ConnectionStatus.Failing || s.Status == ConnectionStatus.NeedsReauthorisation
                      select new { t.Id, t.DisplayName, s.Status, s.StatusSinceUtc, s.Diagnosis };
        var total = await failing.CountAsync(ct);
        var worst = await failing.OrderBy(f => f.Status).ThenBy(f => f.StatusSinceUtc).Take(ItemsPerCard).ToListAsync(ct);
        var items = worst.Select(f => new AttentionItem(f.DisplayName,
            $"{StatusRules.Describe(f.Status)} since {StatusPresentation.Age(f.StatusSinceUtc, now)}" + (string.IsNullOrEmpty(f.Diagnosis) ? "" : $": {f.Diagnosis}"),
            $"/status/{f.Id}")).ToList();
        return new("failing", "Helpdesk", "Failing or needing re-authorisation",
            total == 0 ? "Nothing to fix: no tenant is failing or needs re-authorisation." : Count(total, "tenant needs", "tenants need") + " fixing. Open one to see the failing layer and its fix.",
            items, total, "Open the status board", "/status");
    }

    private async Task<AttentionCard> StatusSummaryAsync(CancellationToken ct)
    {
        var summary = await status.SummaryAsync(ct);
        var total = summary.Sum(s => s.Count);
        var items = summary.Where(s => s.Count > 0)
            .Select(s => new AttentionItem($"{StatusRules.Describe(s.Status)}: {s.Count.ToString(CultureInfo.InvariantCulture)}", null, null)).ToList();
        return new("summary", "Team lead", "Connection health",
            total == 0 ? "No tenants in your scope yet. They appear on the status board once the helpdesk adds them." : Count(total, "tenant", "tenants") + " on the status board.",
            items, items.Count, "Open the status board", "/status");
    }

    private async Task<AttentionCard> RotationsDueAsync(PortalDbContext db, IQueryable<Tenant> tenants, DateTime now, CancellationToken ct)
    {
        var policyDays = statusOptions.Value.RotationPolicyDays;
        var dueBefore = RotationPolicy.DueCutoff(RotationFilter.Overdue, now, policyDays);
        // Only the set-date and kind are read: the encrypted value is never loaded.
        var due = from s in db.Set<TenantSecret>().AsNoTracking()
                  join t in tenants on s.TenantId equals t.Id
                  where s.SecretSetUtc <= dueBefore
                  select new { t.Id, t.DisplayName, s.Kind, s.SecretSetUtc };
        var total = await due.CountAsync(ct);
        var oldest = await due.OrderBy(d => d.SecretSetUtc).Take(ItemsPerCard).ToListAsync(ct);
        var items = oldest.Select(d => new AttentionItem(d.DisplayName,
            $"{TenantEditModel.SecretLabel(d.Kind)} set {StatusPresentation.Age(d.SecretSetUtc, now)}", $"/status/{d.Id}")).ToList();
        var policy = policyDays.ToString(CultureInfo.InvariantCulture);
        return new("rotations", "Team lead", "Rotations due",
            total == 0 ? $"No rotations due: every credential is younger than the {policy}-day rotation policy." : Count(total, "credential is", "credentials are") + $" older than the {policy}-day rotation policy.",
            items, total, "Open the status board", "/status" + StatusQueryString.Build(new StatusBoardQuery { Rotation = RotationFilter.Overdue }));
    }

    private async Task<AttentionCard> ReviewsOverdueAsync(PortalDbContext db, IQueryable<Tenant> tenants, DateTime now, CancellationToken ct)
    {
        var overdueDays = statusOptions.Value.AttestationOverdueDays;
        // The sweeper's rule (a configured tenant unreviewed, since its creation, for the overdue period), shared with the board's filter.
        var overdue = from t in tenants.WhereReviewOverdue(db, now, overdueDays)
                      join s in db.Set<TenantStatusSnapshot>() on t.Id equals s.TenantId into snapshots
                      from s in snapshots.DefaultIfEmpty()
                      select new { t.Id, t.DisplayName, LastReviewed = s == null ? null : s.LastAttestedUtc };
        var total = await overdue.CountAsync(ct);
        var longest = await overdue.OrderBy(o => o.LastReviewed).ThenBy(o => o.DisplayName).Take(ItemsPerCard).ToListAsync(ct);
        var items = longest.Select(o => new AttentionItem(o.DisplayName,
            o.LastReviewed is null ? "Never reviewed" : $"Last reviewed {StatusPresentation.Age(o.LastReviewed, now)}", $"/status/{o.Id}")).ToList();
        var period = overdueDays.ToString(CultureInfo.InvariantCulture);
        return new("reviews", "Team lead", "Reviews overdue",
            total == 0 ? $"No reviews overdue: every connection was reviewed within {period} days." : Count(total, "connection was", "connections were") + $" not reviewed for {period} days. Open one and attest it.",
            items, total, "Open the status board", "/status" + StatusQueryString.Build(new StatusBoardQuery { ReviewOverdue = true }));
    }

    private static async Task<AttentionCard> IntegrityAsync(PortalDbContext db, DateTime now, CancellationToken ct)
    {
        // Verification results are not stored apart: the newest "audit.verified" entry of the trail is the record.
        var last = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == AuditActions.AuditVerified)
            .OrderByDescending(e => e.Id).Select(e => new { e.TimestampUtc, e.Actor, e.Outcome, e.DetailsJson }).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return new("integrity", "Auditor", "Audit trail integrity",
                "The audit trail was never verified. Run Verify integrity on the audit page to check that no entry was edited or deleted.",
                [], 0, "Verify integrity now", "/audit");
        }

        var details = ReadDetails(last.DetailsJson);
        var when = $"Last verified {StatusPresentation.Age(last.TimestampUtc, now)} ({last.TimestampUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC) by {last.Actor}";
        var outcome = last.Outcome == AuditOutcome.Success
            ? $"Intact: {details.GetValueOrDefault("entriesChecked") ?? "all"} entries checked."
            : $"Broken: {details.GetValueOrDefault("problem") ?? "the chain did not verify"}" + (details.GetValueOrDefault("firstBrokenId") is { } id ? $" (entry {id})." : "");
        return new("integrity", "Auditor", "Audit trail integrity", $"{when}. {outcome}", [], 0, "Open the audit trail", "/audit");
    }

    private static Dictionary<string, string?> ReadDetails(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];
        }
        catch (JsonException)
        {
            return []; // an older entry shape: the outcome and time still say enough
        }
    }

    private static string Count(int count, string singular, string plural) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural);
}
