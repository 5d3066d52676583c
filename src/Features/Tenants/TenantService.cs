using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Users;
using Portal.Features.Validation;

namespace Portal.Features.Tenants;

/// <summary>
/// Reads and changes tenants. Every method checks the role on the server and starts from the user's
/// <see cref="TenantScope"/>; every change and every refusal goes to <see cref="IAuditSink"/>.
/// </summary>
public sealed class TenantService(
    IDbContextFactory<PortalDbContext> dbFactory,
    CurrentUser currentUser,
    TenantScope scope,
    TenantSecretsService secrets,
    RegionService regions,
    IAuditSink audit,
    TimeProvider clock,
    ILogger<TenantService> logger,
    Portal.Integrations.AccessTokenCache? tokenCache = null) // null only in hosts without the integrations (component tests)
{
    internal static readonly string[] Editors = [Roles.Helpdesk, Roles.Admin];

    /// <summary>True when the signed-in user may create and edit tenants (the pages use it to show read-only views).</summary>
    public async Task<bool> CanEditAsync()
    {
        var principal = await currentUser.GetPrincipalAsync();
        return Editors.Any(principal.IsInRole);
    }

    public async Task<TenantPage> QueryAsync(TenantQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenants = filter.Apply(db.Set<Tenant>().AsNoTracking());
        tenants = query.Status switch
        {
            TenantStatusFilter.Active => tenants.Where(t => !t.IsArchived),
            TenantStatusFilter.Archived => tenants.Where(t => t.IsArchived),
            _ => tenants,
        };
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Upper-cased on both sides (NormalizedName already is), so the match ignores case on every provider.
            var pattern = TextSearch.ContainsPattern(query.Search);
#pragma warning disable CA1304, CA1311 // ToUpper() runs in the database as upper(), not in .NET
            tenants = tenants.Where(t => EF.Functions.Like(t.NormalizedName, pattern, TextSearch.Escape)
                || (t.CustomerReference != null && EF.Functions.Like(t.CustomerReference.ToUpper(), pattern, TextSearch.Escape))
                || (t.OrganizationGroupName != null && EF.Functions.Like(t.OrganizationGroupName.ToUpper(), pattern, TextSearch.Escape)));
#pragma warning restore CA1304, CA1311
        }

        if (query.RegionId is { } regionId)
        {
            tenants = tenants.Where(t => t.UemRegionId == regionId || t.IntelligenceRegionId == regionId);
        }

        if (!string.IsNullOrWhiteSpace(query.Tag))
        {
            var tag = TenantTags.Normalize(query.Tag);
            tenants = tenants.Where(t => t.Tags.Any(x => x.Name == tag));
        }

        var total = await tenants.CountAsync(ct);
        tenants = (query.SortBy, query.SortDescending) switch
        {
            (nameof(TenantListItem.CustomerReference), false) => tenants.OrderBy(t => t.CustomerReference).ThenBy(t => t.NormalizedName),
            (nameof(TenantListItem.CustomerReference), true) => tenants.OrderByDescending(t => t.CustomerReference).ThenBy(t => t.NormalizedName),
            (nameof(TenantListItem.UemRegion), false) => tenants.OrderBy(t => t.UemRegion!.Code).ThenBy(t => t.NormalizedName),
            (nameof(TenantListItem.UemRegion), true) => tenants.OrderByDescending(t => t.UemRegion!.Code).ThenBy(t => t.NormalizedName),
            (nameof(TenantListItem.UpdatedUtc), false) => tenants.OrderBy(t => t.UpdatedUtc),
            (nameof(TenantListItem.UpdatedUtc), true) => tenants.OrderByDescending(t => t.UpdatedUtc),
            (_, true) => tenants.OrderByDescending(t => t.NormalizedName),
            _ => tenants.OrderBy(t => t.NormalizedName),
        };
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var rows = await tenants.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(t => new
            {
                t.Id, t.DisplayName, t.CustomerReference, Uem = t.UemRegion!.Code, Intel = t.IntelligenceRegion!.Code,
                Tags = t.Tags.Select(x => x.Name).ToList(), t.IsArchived, t.UpdatedUtc, t.UpdatedBy,
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new TenantListItem(r.Id, r.DisplayName, r.CustomerReference, r.Uem, r.Intel,
            r.Tags.Order(StringComparer.Ordinal).ToList(), r.IsArchived, r.UpdatedUtc, r.UpdatedBy)).ToList();
        return new(items, total);
    }

    /// <summary>Tags of the tenants the user can see, for the grid's tag filter.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visible = filter.Apply(db.Set<Tenant>().AsNoTracking()).Select(t => t.Id);
        return await db.Set<TenantTag>().AsNoTracking().Where(t => visible.Contains(t.TenantId))
            .Select(t => t.Name).Distinct().OrderBy(t => t).ToListAsync(ct);
    }

    /// <summary>Active tenants matching <paramref name="search"/>, for the app-bar switcher.</summary>
    public async Task<IReadOnlyList<TenantRef>> SearchAsync(string? search, int take = 20, CancellationToken ct = default)
    {
        var page = await QueryAsync(new TenantQuery { Search = search, PageSize = take }, ct);
        return page.Items.Select(i => new TenantRef(i.Id, i.DisplayName)).ToList();
    }

    /// <summary>Name of a tenant the user may see (the switcher restores its last choice with it); null otherwise.</summary>
    public async Task<TenantRef?> GetRefAsync(int id, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await filter.Apply(db.Set<Tenant>().AsNoTracking()).Where(t => t.Id == id && !t.IsArchived)
            .Select(t => new TenantRef(t.Id, t.DisplayName)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The tenant with its secret states (never values); null when missing or outside the user's scope (refusals are audited).</summary>
    public async Task<TenantDetails?> GetAsync(int id, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await filter.Apply(db.Set<Tenant>().AsNoTracking()).Include(t => t.Tags).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (tenant is null)
        {
            await ReportIfOutOfScopeAsync(db, filter, id, "tenant.read", ct);
            return null;
        }

        var rows = await db.Set<TenantSecret>().AsNoTracking().Where(s => s.TenantId == id).ToListAsync(ct);
        return new(tenant.Id, ToEditModel(tenant), secrets.Describe(rows), tenant.IsArchived,
            tenant.CreatedUtc, tenant.CreatedBy, tenant.UpdatedUtc, tenant.UpdatedBy);
    }

    /// <summary>
    /// Changes a few values of the current version through <see cref="UpdateAsync"/> (validation, encryption, audit);
    /// the setup wizard stores what it verified this way. Returns an error message, or null when saved.
    /// </summary>
    public async Task<string?> ChangeAsync(int id, Action<TenantEditModel> change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        TenantEditModel model;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var tenant = await db.Set<Tenant>().AsNoTracking().Include(t => t.Tags).FirstOrDefaultAsync(t => t.Id == id, ct);
            if (tenant is null)
            {
                return "This tenant does not exist or is outside your tenant scope.";
            }

            model = ToEditModel(tenant);
        }

        change(model);
        var result = await UpdateAsync(id, model, ct);
        return result.Status == TenantSaveStatus.Saved
            ? null
            : result.Errors.Count > 0 ? string.Join(" ", result.Errors.SelectMany(e => e.Value)) : result.Message;
    }

    public async Task<TenantSaveResult> CreateAsync(TenantEditModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var actor = await RequireEditorAsync("tenant.create", null, ct);
        var urlNotes = NormaliseUrls(model);
        var filter = await scope.GetAsync(ct);
        var regionList = await regions.ListAsync(null, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = await ValidateAsync(db, model, regionList, filter, null, ct);
        if (errors.Count > 0)
        {
            return TenantSaveResult.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = new Tenant { CreatedUtc = now, CreatedBy = actor };
        Apply(model, tenant, regionList, actor, now);
        db.Add(tenant);
        secrets.PrepareProtection();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (IsUniqueNameViolation(ex))
        {
            return TenantSaveResult.Invalid(DuplicateName(model.DisplayName));
        }

        var (setSecrets, warnings) = StageSecrets(db, tenant.Id, model, [], actor, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await audit.WriteAsync(new AuditEvent("tenant.create", AuditOutcome.Success, tenant.Id, new Dictionary<string, string?>
        {
            ["user"] = actor,
            ["name"] = tenant.DisplayName,
            ["secretsSet"] = string.Join(",", setSecrets),
        }), ct);
        return TenantSaveResult.Saved(tenant.Id, $"Tenant '{tenant.DisplayName}' created.", [.. urlNotes, .. warnings]);
    }

    /// <summary>
    /// Saves an edit made from <see cref="TenantEditModel.Version"/>. If someone saved in between, nothing is written and the
    /// result lists the fields that differ (theirs vs yours) plus their version, so the user can reload or overwrite knowingly.
    /// </summary>
    public async Task<TenantSaveResult> UpdateAsync(int id, TenantEditModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var actor = await RequireEditorAsync("tenant.update", id, ct);
        var urlNotes = NormaliseUrls(model);
        var filter = await scope.GetAsync(ct);
        var regionList = await regions.ListAsync(null, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await filter.Apply(db.Set<Tenant>()).Include(t => t.Tags).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (tenant is null)
        {
            await ReportIfOutOfScopeAsync(db, filter, id, "tenant.update", ct);
            return TenantSaveResult.NotFound();
        }

        var errors = await ValidateAsync(db, model, regionList, filter, id, ct);
        if (errors.Count > 0)
        {
            return TenantSaveResult.Invalid(errors);
        }

        if (tenant.Version != model.Version)
        {
            return await ConflictAsync(tenant, model, regionList, actor, ct);
        }

        var before = ToEditModel(tenant);
        var (uemClientBefore, intelligenceClientBefore) = (tenant.OAuthClientId, tenant.IntelligenceClientId);
        var destinationsBefore = SecretDestinations.Of(tenant);
        var now = clock.GetUtcNow().UtcDateTime;
        // The WHERE clause of the UPDATE checks the version the user started from.
        db.Entry(tenant).Property(t => t.Version).OriginalValue = model.Version;
        Apply(model, tenant, regionList, actor, now);
        var existing = await db.Set<TenantSecret>().Where(s => s.TenantId == id).ToListAsync(ct);
        var (setSecrets, warnings) = StageSecrets(db, id, model, existing, actor, now);
        var released = ReleaseSecrets(db, existing, SecretDestinations.Released(destinationsBefore, SecretDestinations.Of(tenant), model));
        if (released.Count > 0)
        {
            warnings.Insert(0, SecretDestinations.Explain(released));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            var current = await fresh.Set<Tenant>().AsNoTracking().Include(t => t.Tags).FirstAsync(t => t.Id == id, ct);
            return await ConflictAsync(current, model, regionList, actor, ct);
        }
        catch (DbUpdateException ex) when (IsUniqueNameViolation(ex))
        {
            return TenantSaveResult.Invalid(DuplicateName(model.DisplayName));
        }

        var diff = Diff(before, model, regionList);
        var details = new Dictionary<string, string?>
        {
            ["user"] = actor,
            ["name"] = tenant.DisplayName,
            ["changedFields"] = string.Join(",", diff.Select(c => c.Field)),
            ["secretsReplaced"] = string.Join(",", setSecrets),
            ["secretsRemoved"] = released.Count == 0 ? null : string.Join(",", released),
            ["secretsRemovedReason"] = released.Count == 0 ? null : "UEM region, token URL or REST API host (or Intelligence region) changed",
        };
        foreach (var change in diff)
        {
            // Old → new for plain fields; secrets never appear here (they are "replaced" with a fingerprint above).
            details[$"change:{change.Field}"] = $"{Clip(change.Theirs)} → {Clip(change.Yours)}";
        }

        await audit.WriteAsync(new AuditEvent("tenant.update", AuditOutcome.Success, id, details), ct);
        ForgetTokens(setSecrets.Count > 0 || released.Count > 0, uemClientBefore, intelligenceClientBefore, tenant);
        return TenantSaveResult.Saved(id, $"Tenant '{tenant.DisplayName}' saved.", [.. urlNotes, .. warnings]);
    }

    /// <summary>Archives (hides) a tenant instead of deleting it; <see cref="RestoreAsync"/> brings it back.</summary>
    public Task<TenantSaveResult> ArchiveAsync(int id, CancellationToken ct = default) => SetArchivedAsync(id, true, ct);

    public Task<TenantSaveResult> RestoreAsync(int id, CancellationToken ct = default) => SetArchivedAsync(id, false, ct);

    private async Task<TenantSaveResult> SetArchivedAsync(int id, bool archived, CancellationToken ct)
    {
        var action = archived ? "tenant.archive" : "tenant.restore";
        var actor = await RequireEditorAsync(action, id, ct);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await filter.Apply(db.Set<Tenant>()).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (tenant is null)
        {
            await ReportIfOutOfScopeAsync(db, filter, id, action, ct);
            return TenantSaveResult.NotFound();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        tenant.IsArchived = archived;
        tenant.ArchivedUtc = archived ? now : null;
        tenant.UpdatedUtc = now;
        tenant.UpdatedBy = actor;
        tenant.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(new AuditEvent(action, AuditOutcome.Success, id, new Dictionary<string, string?> { ["user"] = actor, ["name"] = tenant.DisplayName }), ct);
        return TenantSaveResult.Saved(id, archived ? $"Tenant '{tenant.DisplayName}' archived. Restore it from the Archived filter." : $"Tenant '{tenant.DisplayName}' restored.", []);
    }

    private async Task<string> RequireEditorAsync(string action, int? tenantId, CancellationToken ct)
    {
        try
        {
            return (await currentUser.RequireAnyRoleAsync(Editors)).Identity?.Name ?? "unknown";
        }
        catch (PortalAccessDeniedException)
        {
            var name = (await currentUser.GetPrincipalAsync()).Identity?.Name;
            logger.LogWarning("Role check refused {Action} on tenant {TenantId} for {UserName}", action, tenantId, name);
            await audit.WriteAsync(new AuditEvent(action, AuditOutcome.Denied, tenantId, new Dictionary<string, string?> { ["user"] = name, ["reason"] = "role" }), ct);
            throw;
        }
    }

    private async Task ReportIfOutOfScopeAsync(PortalDbContext db, TenantScopeFilter filter, int id, string action, CancellationToken ct)
    {
        if (await db.Set<Tenant>().AnyAsync(t => t.Id == id, ct))
        {
            await scope.ReportDeniedAsync(filter, id, action, ct);
        }
    }

    /// <summary>The rules every save runs (validator, duplicate name, tenant scope); the CSV import runs them per row.</summary>
    internal static async Task<Dictionary<string, string[]>> ValidateAsync(
        PortalDbContext db, TenantEditModel model, IReadOnlyList<RegionSummary> regionList, TenantScopeFilter filter, int? id, CancellationToken ct)
    {
        var errors = TenantValidator.Validate(model, regionList).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!errors.ContainsKey(nameof(model.DisplayName)))
        {
            var normalized = model.DisplayName.Trim().ToUpperInvariant();
            if (await db.Set<Tenant>().AnyAsync(t => t.NormalizedName == normalized && t.Id != id, ct))
            {
                errors[nameof(model.DisplayName)] = DuplicateName(model.DisplayName)[nameof(model.DisplayName)];
            }
        }

        // A scoped user must keep the tenant inside their scope, or they would lose it the moment it saves.
        if (!filter.AllowsAll && !filter.Allows(TenantTags.Parse(model.TagsText)) && !errors.ContainsKey(nameof(model.TagsText)))
        {
            errors[nameof(model.TagsText)] = [$"Tags: your tenant scope covers only tenants tagged {string.Join(", ", filter.AllowedTags!)}. Add one of these tags."];
        }

        return errors;
    }

    private static Dictionary<string, string[]> DuplicateName(string name) => new(StringComparer.Ordinal)
    {
        [nameof(TenantEditModel.DisplayName)] = [$"Display name: a tenant called '{name.Trim()}' already exists (names ignore upper/lower case). Choose a different name, or open the existing tenant."],
    };

    internal static bool IsUniqueNameViolation(DbUpdateException ex) =>
        ex.InnerException?.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase) == true
        && ex.InnerException.Message.Contains(nameof(Tenant.NormalizedName), StringComparison.Ordinal);

    /// <summary>Token and API URLs lose a trailing slash before validation; the notes tell the user it happened.</summary>
    internal static List<string> NormaliseUrls(TenantEditModel model)
    {
        var notes = new List<string>();
        model.UemTokenUrl = TrailingSlash.Remove("UEM token URL", model.UemTokenUrl, notes) ?? "";
        model.UemApiUrl = TrailingSlash.Remove("UEM REST API URL", model.UemApiUrl, notes) ?? "";
        return notes;
    }

    internal static void Apply(TenantEditModel model, Tenant tenant, IReadOnlyList<RegionSummary> regionList, string actor, DateTime now)
    {
        var region = regionList.First(r => r.Id == model.UemRegionId);
        tenant.DisplayName = model.DisplayName.Trim();
        tenant.NormalizedName = tenant.DisplayName.ToUpperInvariant();
        tenant.CustomerReference = Blank(model.CustomerReference);
        tenant.UemConsoleUrl = model.UemConsoleUrl.Trim();
        tenant.UemApiUrl = model.UemApiUrl.Trim();
        tenant.UemRegionId = region.Id;
        // Simulated tenants keep the "~/" marker so a changed Demo:PublicBaseUrl still works; blank means "the region's URL".
        tenant.UemTokenUrl = region.Kind == RegionKind.Simulated ? RegionSeedData.All.First(r => r.Product == RegionProduct.Uem && r.Code == RegionSeedData.SimulatedCode).TokenUrl
            : string.IsNullOrWhiteSpace(model.UemTokenUrl) ? region.TokenUrl : model.UemTokenUrl.Trim();
        tenant.OrganizationGroupId = Blank(model.OrganizationGroupId);
        tenant.OrganizationGroupName = Blank(model.OrganizationGroupName);
        tenant.IntelligenceRegionId = model.IntelligenceRegionId;
        tenant.Contacts = Blank(model.Contacts);
        tenant.Notes = Blank(model.Notes);
        tenant.OAuthClientId = Blank(model.OAuthClientId);
        tenant.IntelligenceClientId = Blank(model.IntelligenceClientId);
        var tags = TenantTags.Parse(model.TagsText);
        tenant.Tags.RemoveAll(t => !tags.Contains(t.Name));
        tenant.Tags.AddRange(tags.Where(t => tenant.Tags.All(x => x.Name != t)).Select(t => new TenantTag { Name = t }));
        tenant.UpdatedUtc = now;
        tenant.UpdatedBy = actor;
        tenant.Version = Guid.NewGuid();
    }

    private (List<string> Set, List<string> Warnings) StageSecrets(PortalDbContext db, int tenantId, TenantEditModel model, List<TenantSecret> existing, string actor, DateTime now)
    {
        var set = new List<string>();
        var warnings = new List<string>();
        foreach (var kind in Enum.GetValues<TenantSecretKind>())
        {
            var check = SecretRules.Check(TenantEditModel.SecretLabel(kind), model.NewSecret(kind));
            if (check.Value is null)
            {
                continue;
            }

            if (check.Warning is not null)
            {
                warnings.Add(check.Warning);
            }

            var old = existing.FirstOrDefault(s => s.Kind == kind);
            if (old is not null)
            {
                db.Remove(old);
            }

            var row = secrets.Protect(tenantId, kind, check.Value, actor, now);
            db.Add(row);
            set.Add($"{kind}={row.Fingerprint}");
        }

        return (set, warnings);
    }

    /// <summary>Removes the stored rows of <paramref name="kinds"/> (a save that moved their destination and did not enter them again).</summary>
    private static List<TenantSecretKind> ReleaseSecrets(PortalDbContext db, List<TenantSecret> existing, IReadOnlyList<TenantSecretKind> kinds)
    {
        var removed = new List<TenantSecretKind>();
        foreach (var row in existing.Where(r => kinds.Contains(r.Kind)))
        {
            db.Remove(row);
            removed.Add(row.Kind);
        }

        return removed;
    }

    /// <summary>Tokens bought with a replaced or removed secret are dropped from the cache at once, not at their expiry.</summary>
    private void ForgetTokens(bool secretsChanged, string? uemClientBefore, string? intelligenceClientBefore, Tenant after)
    {
        if (!secretsChanged)
        {
            return;
        }

        foreach (var clientId in new[] { uemClientBefore, intelligenceClientBefore, after.OAuthClientId, after.IntelligenceClientId }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            tokenCache?.ForgetClient(clientId);
        }
    }

    private async Task<TenantSaveResult> ConflictAsync(Tenant current, TenantEditModel yours, IReadOnlyList<RegionSummary> regionList, string actor, CancellationToken ct)
    {
        var theirs = ToEditModel(current);
        var changes = Diff(theirs, yours, regionList);
        await audit.WriteAsync(new AuditEvent("tenant.update", AuditOutcome.Conflict, current.Id, new Dictionary<string, string?>
        {
            ["user"] = actor,
            ["otherUser"] = current.UpdatedBy,
            ["fields"] = string.Join(",", changes.Select(c => c.Field)),
        }), ct);
        var when = current.UpdatedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return TenantSaveResult.Conflicted(
            $"{current.UpdatedBy} saved this tenant at {when} UTC while you were editing. Nothing of yours was saved. " +
            "Compare the fields below, then reload their version or save yours over it.",
            changes, current.Version);
    }

    /// <summary>Fields whose stored value (theirs) differs from the submitted one (yours). Secrets are never compared or shown.</summary>
    public static IReadOnlyList<FieldChange> Diff(TenantEditModel theirs, TenantEditModel yours, IReadOnlyList<RegionSummary> regionList)
    {
        ArgumentNullException.ThrowIfNull(theirs);
        ArgumentNullException.ThrowIfNull(yours);
        string? Region(int? id) => regionList.FirstOrDefault(r => r.Id == id)?.Label;
        string? Tags(string? text) => string.Join(", ", TenantTags.Parse(text).Order(StringComparer.Ordinal));
        (string Field, string? Theirs, string? Yours)[] fields =
        [
            ("Display name", theirs.DisplayName, yours.DisplayName),
            ("Customer / ticket reference", theirs.CustomerReference, yours.CustomerReference),
            ("UEM console URL", theirs.UemConsoleUrl, yours.UemConsoleUrl),
            ("UEM REST API URL", theirs.UemApiUrl, yours.UemApiUrl),
            ("UEM region", Region(theirs.UemRegionId), Region(yours.UemRegionId)),
            ("UEM token URL", theirs.UemTokenUrl, yours.UemTokenUrl),
            ("Organisation group ID", theirs.OrganizationGroupId, yours.OrganizationGroupId),
            ("Organisation group name", theirs.OrganizationGroupName, yours.OrganizationGroupName),
            ("Intelligence region", Region(theirs.IntelligenceRegionId), Region(yours.IntelligenceRegionId)),
            ("Contacts", theirs.Contacts, yours.Contacts),
            ("Notes", theirs.Notes, yours.Notes),
            ("Tags", Tags(theirs.TagsText), Tags(yours.TagsText)),
            ("OAuth client ID", theirs.OAuthClientId, yours.OAuthClientId),
            ("Intelligence client ID", theirs.IntelligenceClientId, yours.IntelligenceClientId),
        ];
        return fields.Where(f => !string.Equals(Norm(f.Theirs), Norm(f.Yours), StringComparison.Ordinal))
            .Select(f => new FieldChange(f.Field, Norm(f.Theirs), Norm(f.Yours))).ToList();

        static string? Norm(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }

    private TenantEditModel ToEditModel(Tenant t) => new()
    {
        DisplayName = t.DisplayName,
        CustomerReference = t.CustomerReference,
        UemConsoleUrl = t.UemConsoleUrl,
        UemApiUrl = t.UemApiUrl,
        UemRegionId = t.UemRegionId,
        UemTokenUrl = RegionUrls.Resolve(t.UemTokenUrl, regions.SimulatorBaseUrl) ?? "",
        OrganizationGroupId = t.OrganizationGroupId,
        OrganizationGroupName = t.OrganizationGroupName,
        IntelligenceRegionId = t.IntelligenceRegionId,
        Contacts = t.Contacts,
        Notes = t.Notes,
        TagsText = string.Join(", ", t.Tags.Select(x => x.Name).Order(StringComparer.Ordinal)),
        OAuthClientId = t.OAuthClientId,
        IntelligenceClientId = t.IntelligenceClientId,
        Version = t.Version,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Clip(string? value) => value is null ? "(empty)" : value.Length <= 200 ? value : value[..200] + "…";
}
