using Portal.Data;
using Portal.Features.Tenants;

namespace Portal.Features.Status;

/// <summary>
/// The one definition of "rotation due" and "review overdue" as queries: the status board's filters, the CSV export,
/// the API and the home page's cards all use these, so a card's count and the board it links to agree.
/// </summary>
public static class AttentionFilters
{
    /// <summary>Tenants with any credential set at or before <see cref="RotationPolicy.DueCutoff"/> (the encrypted value is never read).</summary>
    public static IQueryable<Tenant> WhereRotation(this IQueryable<Tenant> tenants, PortalDbContext db, RotationFilter filter, DateTime nowUtc, int policyDays)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (filter == RotationFilter.Any)
        {
            return tenants;
        }

        var setBefore = RotationPolicy.DueCutoff(filter, nowUtc, policyDays);
        return tenants.Where(t => db.Set<TenantSecret>().Any(s => s.TenantId == t.Id && s.SecretSetUtc <= setBefore));
    }

    /// <summary>
    /// The sweeper's rule: a configured tenant (it has a UEM client secret) whose last review, or its creation when never
    /// reviewed, is <paramref name="overdueDays"/> or more days old.
    /// </summary>
    public static IQueryable<Tenant> WhereReviewOverdue(this IQueryable<Tenant> tenants, PortalDbContext db, DateTime nowUtc, int overdueDays)
    {
        ArgumentNullException.ThrowIfNull(db);
        var overdueBefore = nowUtc.AddDays(-overdueDays);
        return tenants.Where(t => db.Set<TenantSecret>().Any(s => s.TenantId == t.Id && s.Kind == TenantSecretKind.UemClientSecret)
            && (db.Set<TenantStatusSnapshot>().Where(s => s.TenantId == t.Id).Select(s => s.LastAttestedUtc).FirstOrDefault() ?? t.CreatedUtc) <= overdueBefore);
    }
}
