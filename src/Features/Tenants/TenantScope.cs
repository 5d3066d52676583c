using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.Features.Validation;

namespace Portal.Features.Tenants;

/// <summary>
/// The one place tenant scope is decided. Every tenant query starts from <see cref="TenantScopeFilter.Apply"/>,
/// so a user cannot read or change a tenant outside their tags by guessing its id. Admins always see all tenants
/// (they manage scopes, and must not be able to lock themselves out). Not cached: an admin's change applies at once.
/// </summary>
public sealed class TenantScope(
    IDbContextFactory<PortalDbContext> dbFactory,
    CurrentUser currentUser,
    IAuditSink audit,
    ILogger<TenantScope> logger)
{
    public async Task<TenantScopeFilter> GetAsync(CancellationToken ct = default)
    {
        var principal = await currentUser.GetPrincipalAsync();
        var userName = principal.Identity?.Name ?? "anonymous";
        if (principal.Identity?.IsAuthenticated != true)
        {
            return new(userName, []); // sees nothing
        }

        if (principal.IsInRole(Roles.Admin))
        {
            return new(userName, null);
        }

        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return new(userName, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tags = await db.Set<UserTenantScope>().AsNoTracking().Where(s => s.UserId == userId).Select(s => s.Tag).ToListAsync(ct);
        return new(userName, tags.Count == 0 ? null : tags);
    }

    /// <summary>Logs and audits a refused attempt to reach a tenant outside the user's scope.</summary>
    public async Task ReportDeniedAsync(TenantScopeFilter filter, int tenantId, string action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        logger.LogWarning("Tenant scope refused {Action} on tenant {TenantId} for {UserName}", action, tenantId, filter.UserName);
        await audit.WriteAsync(new AuditEvent(action, AuditOutcome.Denied, tenantId, new Dictionary<string, string?>
        {
            ["user"] = filter.UserName,
            ["reason"] = "outside tenant scope",
            ["allowedTags"] = filter.AllowedTags is null ? "all" : string.Join(",", filter.AllowedTags),
        }), ct);
    }
}

/// <summary>The tags a user may see; null = all tenants, empty = none.</summary>
public sealed record TenantScopeFilter(string UserName, IReadOnlyList<string>? AllowedTags)
{
    public bool AllowsAll => AllowedTags is null;

    public IQueryable<Tenant> Apply(IQueryable<Tenant> tenants)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        if (AllowedTags is null)
        {
            return tenants;
        }

        var allowed = AllowedTags.ToList();
        return tenants.Where(t => t.Tags.Any(tag => allowed.Contains(tag.Name)));
    }

    public bool Allows(IEnumerable<string> tenantTags) => AllowedTags is null || tenantTags.Any(AllowedTags.Contains);
}

/// <summary>Admin-only management of per-user tenant scopes (the users page uses it).</summary>
public sealed class TenantScopeAdminService(IDbContextFactory<PortalDbContext> dbFactory, CurrentUser currentUser, IAuditSink audit)
{
    /// <summary>Allowed tags per user id; users missing from the map see all tenants.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllAsync(CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<UserTenantScope>().AsNoTracking().ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Tag).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Every tag in use on any tenant, for picking scopes.</summary>
    public async Task<IReadOnlyList<string>> ListKnownTagsAsync(CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<TenantTag>().AsNoTracking().Select(t => t.Name).Distinct().OrderBy(t => t).ToListAsync(ct);
    }

    /// <summary>Replaces the user's allowed tags; an empty list restores "all tenants".</summary>
    public async Task<UserActionResult> SetAsync(string userId, IReadOnlyCollection<string> tags, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var actor = await currentUser.RequireAnyRoleAsync(Roles.Admin);
        var normalized = tags.Select(TenantTags.Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (normalized.Select(t => FreeText.Check($"Tenant scope tag '{t[..Math.Min(t.Length, 20)]}'", t, TenantTags.MaxLength)).FirstOrDefault(e => e is not null) is { } invalid)
        {
            return UserActionResult.Fail(invalid);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return UserActionResult.Fail("That user no longer exists. Reload the list.");
        }

        // One transaction: a failure never leaves the user with no rows, i.e. suddenly "all tenants".
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Set<UserTenantScope>().Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
            db.AddRange(normalized.Select(t => new UserTenantScope { UserId = userId, Tag = t }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        await audit.WriteAsync(new AuditEvent("user.tenant-scope.set", AuditOutcome.Success, TenantId: null, new Dictionary<string, string?>
        {
            ["user"] = actor.Identity?.Name,
            ["target"] = user.UserName,
            ["tags"] = normalized.Count == 0 ? "all" : string.Join(",", normalized),
        }), ct);
        return UserActionResult.Ok(normalized.Count == 0
            ? $"{user.UserName} can now see all tenants."
            : $"{user.UserName} can now see only tenants tagged {string.Join(", ", normalized)}.");
    }
}
