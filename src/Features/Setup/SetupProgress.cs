using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Status;

namespace Portal.Features.Setup;

/// <summary>Tells the status board which tenants have an unfinished runbook, and at which step.</summary>
public sealed class SetupProgress(IDbContextFactory<PortalDbContext> dbFactory) : ISetupProgress
{
    public async Task<IReadOnlyDictionary<int, string>> StepInProgressByTenantAsync(IReadOnlyCollection<int> tenantIds, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps)
            .Where(r => r.FinishedUtc == null && tenantIds.Contains(r.TenantId)).ToListAsync(ct);
        return runs.GroupBy(r => r.TenantId).ToDictionary(
            g => g.Key,
            g => g.OrderByDescending(r => r.StartedUtc).First().CurrentStep is { } step ? StepTitles.Of(step) : "Finishing");
    }
}
