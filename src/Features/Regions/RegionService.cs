using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.Features.Validation;

namespace Portal.Features.Regions;

/// <summary>
/// The one place regions are read and changed. Every signed-in user reads; only Admin writes, and every
/// write (or refused write) goes to <see cref="IAuditSink"/>.
/// </summary>
public sealed class RegionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    CurrentUser currentUser,
    IAuditSink audit,
    IOptions<DemoOptions> demo,
    DemoAddress demoAddress,
    TimeProvider clock,
    RegionCache cache)
{
    public Uri SimulatorBaseUrl => demoAddress.BaseUrl;

    /// <summary>The Simulated regions exist only in demo mode; elsewhere they are neither listed nor selectable.</summary>
    public bool DemoMode => demo.Value.Enabled;

    public async Task<IReadOnlyList<RegionSummary>> ListAsync(RegionProduct? product = null, CancellationToken ct = default)
    {
        var rows = await AllAsync(ct);
        return rows.Where(r => product is null || r.Product == product).Select(ToInfo).ToList();
    }

    public async Task<RegionSummary?> GetAsync(int id, CancellationToken ct = default)
    {
        var row = (await AllAsync(ct)).FirstOrDefault(r => r.Id == id);
        return row is null ? null : ToInfo(row);
    }

    private async Task<IReadOnlyList<Region>> AllAsync(CancellationToken ct)
    {
        var rows = await cache.GetAsync(async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            return await db.Set<Region>().AsNoTracking().OrderBy(r => r.Product).ThenBy(r => r.Kind).ThenBy(r => r.Code).ToListAsync(token);
        }, ct);
        return demo.Value.Enabled ? rows : [.. rows.Where(r => r.Kind != RegionKind.Simulated)];
    }

    /// <summary>Adds an admin-defined region (on-premises UEM, private Intelligence); its kind is always <see cref="RegionKind.Custom"/>.</summary>
    public async Task<SaveResult> CreateCustomAsync(RegionEditModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var actor = await RequireAdminAsync("region.create", ct);
        model.Kind = RegionKind.Custom;
        var urlNotes = NormaliseUrls(model);
        var errors = RegionValidator.Validate(model, SimulatorBaseUrl);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var code = model.Code.Trim();
        if (await db.Set<Region>().AnyAsync(r => r.Product == model.Product && r.Code == code, ct))
        {
            return SaveResult.Invalid(new Dictionary<string, string[]> { [nameof(model.Code)] = [$"Code '{code}' is already used by another {model.Product} region. Choose another code."] });
        }

        var region = new Region { Product = model.Product, Kind = RegionKind.Custom, Code = code, IsEditedByAdmin = true };
        Apply(model, region, actor);
        db.Add(region);
        await db.SaveChangesAsync(ct);
        await cache.InvalidateEverywhereAsync(ct);
        await audit.WriteAsync(new AuditEvent("region.create", AuditOutcome.Success, TenantId: null, Describe(region, actor)), ct);
        return SaveResult.Ok(string.Join(" ", [$"Custom region '{region.Code}' added.", .. urlNotes]), region.Id);
    }

    /// <summary>Edits a region; marks it as admin-edited so the seeder never overwrites it.</summary>
    public async Task<SaveResult> UpdateAsync(int id, RegionEditModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var actor = await RequireAdminAsync("region.update", ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var region = await db.Set<Region>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (region is null)
        {
            return SaveResult.Fail("That region no longer exists. Reload the page.");
        }

        // Product, code and kind identify the region and are fixed once created.
        model.Product = region.Product;
        model.Code = region.Code;
        model.Kind = region.Kind;
        var urlNotes = NormaliseUrls(model);
        var errors = RegionValidator.Validate(model, SimulatorBaseUrl);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        if (region.Kind == RegionKind.Custom && MovesAddresses(region, model) && await IsInUseAsync(db, region, ct))
        {
            // Pinned: tenants' stored secrets were verified against these addresses and would follow them.
            var details = Describe(region, actor);
            details["reason"] = "pinned: tenants use this region";
            await audit.WriteAsync(new AuditEvent("region.update", AuditOutcome.Denied, TenantId: null, details), ct);
            return SaveResult.Invalid(new Dictionary<string, string[]>
            {
                [nameof(model.TokenUrl)] = [$"Tenants use region '{region.Code}', and their stored secrets were verified against its addresses, so they cannot be moved. Add a new custom region with the new addresses and move the tenants to it (their secrets are then entered again)."],
            });
        }

        if (region.Version != model.Version)
        {
            await audit.WriteAsync(new AuditEvent("region.update", AuditOutcome.Conflict, TenantId: null, Describe(region, actor)), ct);
            return SaveResult.Fail($"{region.UpdatedBy ?? "Someone"} changed this region at {region.UpdatedUtc:yyyy-MM-dd HH:mm} UTC while you were editing. Close the dialog and open it again to see their version.");
        }

        db.Entry(region).Property(r => r.Version).OriginalValue = model.Version;
        Apply(model, region, actor);
        region.IsEditedByAdmin = true;
        try
        {
            await db.SaveChangesAsync(ct);
            await cache.InvalidateEverywhereAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SaveResult.Fail("Someone else saved this region a moment ago. Close the dialog and open it again.");
        }

        await audit.WriteAsync(new AuditEvent("region.update", AuditOutcome.Success, TenantId: null, Describe(region, actor)), ct);
        return SaveResult.Ok(string.Join(" ", [$"Region '{region.Code}' saved.", .. urlNotes]), region.Id);
    }

    private static bool MovesAddresses(Region region, RegionEditModel model) =>
        !SameUrl(region.TokenUrl, model.TokenUrl) || !SameUrl(region.LegacyTokenUrl, model.LegacyTokenUrl) || !SameUrl(region.ApiBaseUrl, model.ApiBaseUrl);

    private static bool SameUrl(string? stored, string? edited) =>
        string.Equals(stored?.Trim() ?? "", edited?.Trim() ?? "", StringComparison.OrdinalIgnoreCase);

    private static Task<bool> IsInUseAsync(PortalDbContext db, Region region, CancellationToken ct) =>
        db.Set<Portal.Features.Tenants.Tenant>().AnyAsync(t => t.UemRegionId == region.Id || t.IntelligenceRegionId == region.Id, ct);

    public RegionSummary ToInfo(Region r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var baseUrl = SimulatorBaseUrl;
        return new(r.Id, r.Product, r.Code, r.DisplayName, r.Kind,
            RegionUrls.Resolve(r.TokenUrl, baseUrl)!, RegionUrls.Resolve(r.LegacyTokenUrl, baseUrl), RegionUrls.Resolve(r.ApiBaseUrl, baseUrl),
            r.Location, r.CountriesServed, r.IsEditedByAdmin, r.UpdatedUtc, r.UpdatedBy, r.Version);
    }

    private async Task<string> RequireAdminAsync(string action, CancellationToken ct)
    {
        try
        {
            var principal = await currentUser.RequireAnyRoleAsync(Roles.Admin);
            return principal.Identity?.Name ?? "unknown";
        }
        catch (PortalAccessDeniedException)
        {
            var name = (await currentUser.GetPrincipalAsync()).Identity?.Name;
            await audit.WriteAsync(new AuditEvent(action, AuditOutcome.Denied, TenantId: null, new Dictionary<string, string?> { ["user"] = name }), ct);
            throw;
        }
    }

    /// <summary>Token and API URLs lose a trailing slash before validation (simulator markers are left alone); the notes say so.</summary>
    private static List<string> NormaliseUrls(RegionEditModel model)
    {
        var notes = new List<string>();
        model.TokenUrl = RegionUrls.IsMarker(model.TokenUrl) ? model.TokenUrl : TrailingSlash.Remove("Token URL", model.TokenUrl, notes) ?? "";
        model.LegacyTokenUrl = RegionUrls.IsMarker(model.LegacyTokenUrl) ? model.LegacyTokenUrl : TrailingSlash.Remove("Legacy token URL", model.LegacyTokenUrl, notes);
        model.ApiBaseUrl = RegionUrls.IsMarker(model.ApiBaseUrl) ? model.ApiBaseUrl : TrailingSlash.Remove("API base URL", model.ApiBaseUrl, notes);
        return notes;
    }

    private void Apply(RegionEditModel model, Region region, string actor)
    {
        region.DisplayName = model.DisplayName.Trim();
        region.TokenUrl = model.TokenUrl.Trim();
        region.LegacyTokenUrl = Blank(model.LegacyTokenUrl);
        region.ApiBaseUrl = Blank(model.ApiBaseUrl);
        region.Location = model.Location.Trim();
        region.CountriesServed = Blank(model.CountriesServed);
        region.UpdatedUtc = clock.GetUtcNow().UtcDateTime;
        region.UpdatedBy = actor;
        region.Version = Guid.NewGuid();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string?> Describe(Region r, string actor) => new()
    {
        ["user"] = actor,
        ["product"] = r.Product.ToString(),
        ["code"] = r.Code,
        ["kind"] = r.Kind.ToString(),
        ["tokenUrl"] = r.TokenUrl,
        ["apiBaseUrl"] = r.ApiBaseUrl,
    };
}
