using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Setup;

public sealed record SetupOverviewRow(int TenantId, string TenantName, string? CustomerReference, SetupState State);

public sealed record SetupOverviewPage(IReadOnlyList<SetupOverviewRow> Rows, int TotalCount, bool CanCreateTenant);

/// <summary>
/// The Setup page's list: tenants in the user's scope with where their set-up stands, unfinished runs first so the
/// first click resumes one. Three queries per page (tenants, their runs, the chosen runs' steps), whatever the tenant count.
/// </summary>
public sealed class SetupOverviewQuery(IDbContextFactory<PortalDbContext> dbFactory, TenantScope scope, CurrentUser currentUser)
{
    public const int MaxPageSize = 100;

    public async Task<SetupOverviewPage> QueryAsync(string? search, int page, int pageSize, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var canCreateTenant = principal.IsInRole(Roles.Helpdesk) || principal.IsInRole(Roles.Admin);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenants = filter.Apply(db.Set<Tenant>().AsNoTracking()).Where(t => !t.IsArchived);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = TextSearch.ContainsPattern(search);
#pragma warning disable CA1304, CA1311 // ToUpper() runs in the database as upper(), not in .NET
            tenants = tenants.Where(t => EF.Functions.Like(t.NormalizedName, pattern, TextSearch.Escape)
                || (t.CustomerReference != null && EF.Functions.Like(t.CustomerReference.ToUpper(), pattern, TextSearch.Escape)));
#pragma warning restore CA1304, CA1311
        }

        var total = await tenants.CountAsync(ct);
        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var runs = db.Set<SetupRun>().AsNoTracking();
        var pageTenants = await tenants
            .OrderBy(t => runs.Any(r => r.TenantId == t.Id && r.FinishedUtc == null) ? 0 : 1).ThenBy(t => t.DisplayName)
            .Skip(Math.Max(0, page) * size).Take(size)
            .Select(t => new { t.Id, t.DisplayName, t.CustomerReference })
            .ToListAsync(ct);

        var ids = pageTenants.Select(t => t.Id).ToList();
        var tenantRuns = await runs.Where(r => ids.Contains(r.TenantId))
            .Select(r => new { r.Id, r.TenantId, r.Kind, r.StartedUtc, r.FinishedUtc }).ToListAsync(ct);
        // The run the wizard opens (see SetupService.LoadAsync): the unfinished one, else the latest started.
        var shownRun = tenantRuns.GroupBy(r => r.TenantId).ToDictionary(
            g => g.Key,
            g => g.OrderBy(r => r.FinishedUtc == null ? 0 : 1).ThenByDescending(r => r.StartedUtc).First());
        var runIds = shownRun.Values.Select(r => r.Id).ToList();
        var steps = (await db.Set<SetupStepRecord>().AsNoTracking().Where(s => runIds.Contains(s.RunId))
                .Select(s => new { s.RunId, s.Order, s.Step, s.State }).ToListAsync(ct))
            .ToLookup(s => s.RunId, s => new SetupStepState(s.Order, s.Step, s.State));

        var rows = pageTenants.Select(t => new SetupOverviewRow(t.Id, t.DisplayName, t.CustomerReference,
            shownRun.TryGetValue(t.Id, out var run) ? SetupState.Of(run.Kind, run.FinishedUtc, steps[run.Id]) : SetupState.NotStarted)).ToList();
        return new SetupOverviewPage(rows, total, canCreateTenant);
    }
}
