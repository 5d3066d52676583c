using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Users;

namespace Portal.Features.Tenants.Import;

/// <summary>
/// CSV onboarding. The dry run judges every row with the rules a save runs (<see cref="TenantService.ValidateAsync"/>:
/// the validator, duplicate names, tenant scope) plus the file's own (unknown region codes, formula characters, names
/// repeated in the file). The import judges the rows again (someone may have created a tenant since) and creates them
/// in one transaction: all of them or, when cancelled or when anything fails, none.
/// Only tenant editors may import; a scoped user's rows must carry one of their tags.
/// </summary>
public sealed class TenantImportService(
    IDbContextFactory<PortalDbContext> dbFactory,
    CurrentUser currentUser,
    TenantScope scope,
    RegionService regions,
    IAuditSink audit,
    TimeProvider clock,
    IOptions<TenantImportOptions> options,
    ILogger<TenantImportService> logger)
{
    public const string AuditAction = "tenant.import";

    public TenantImportOptions Limits => options.Value;

    /// <summary>Reads and judges the file; writes nothing.</summary>
    public async Task<ImportPreview> DryRunAsync(string fileName, Stream content, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await RequireImporterAsync(ct);
        var text = await ReadTextAsync(content, ct);
        if (text.Error is not null)
        {
            return ImportPreview.Refused(fileName, text.Error);
        }

        var (fileError, csvRows) = TenantCsv.Parse(text.Value!, Limits.MaxRows);
        if (fileError is not null)
        {
            return ImportPreview.Refused(fileName, fileError);
        }

        var regionList = await regions.ListAsync(null, ct);
        var rows = csvRows.Select(r => ToRow(r, regionList)).ToList();
        return new ImportPreview(fileName, null, await JudgeAsync(rows, regionList, progress, ct));
    }

    /// <summary>
    /// Creates the previewed rows: <see cref="ImportMode.AllRows"/> only when no row has an error, otherwise the valid ones.
    /// Throws <see cref="OperationCanceledException"/> when cancelled; nothing is saved then.
    /// </summary>
    public async Task<ImportReport> ImportAsync(ImportPreview preview, ImportMode mode, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var actor = await RequireImporterAsync(ct);
        if (preview.FileError is not null)
        {
            return ImportReport.Refused(preview.FileError, []);
        }

        // Judged again: a tenant of the same name may have been created (or a region or the user's scope changed) since the dry run.
        var regionList = await regions.ListAsync(null, ct);
        var rows = await JudgeAsync(preview.Rows.Select(r => r.IsValid ? r with { Model = r.Model.Clone() } : r).ToList(), regionList, null, ct);
        var skipped = rows.Where(r => !r.IsValid).ToList();
        var valid = rows.Where(r => r.IsValid).ToList();
        if (mode == ImportMode.AllRows && skipped.Count > 0)
        {
            return ImportReport.Refused($"{ImportReport.Count(skipped.Count, "row")} of {rows.Count} have errors, so nothing was imported. " +
                                        "Fix them in the file and run the dry run again, or import only the valid rows.", skipped);
        }

        if (valid.Count == 0)
        {
            return ImportReport.Refused("No row is valid, so nothing was imported. Fix the rows below and run the dry run again.", skipped);
        }

        List<ImportedTenant> imported;
        try
        {
            imported = await CreateAllAsync(valid, regionList, actor, progress, ct);
        }
        catch (OperationCanceledException)
        {
            await WriteSummaryAsync(preview, mode, AuditOutcome.Failure, 0, rows.Count, "cancelled; nothing was imported");
            throw;
        }
        catch (DbUpdateException ex) when (TenantService.IsUniqueNameViolation(ex))
        {
            await WriteSummaryAsync(preview, mode, AuditOutcome.Conflict, 0, rows.Count, "a tenant of the same name was created meanwhile; nothing was imported");
            return ImportReport.Refused("Someone created a tenant with one of these names while the import ran, so nothing was imported. Run the dry run again.", skipped);
        }

        await audit.WriteManyAsync([
            .. imported.Select(t => new AuditEvent("tenant.create", AuditOutcome.Success, t.Id, new Dictionary<string, string?>
            {
                ["user"] = actor,
                ["name"] = t.DisplayName,
                ["secretsSet"] = "",
                ["via"] = "csv import",
            }) { TenantName = t.DisplayName }),
        ], CancellationToken.None);
        await WriteSummaryAsync(preview, mode, AuditOutcome.Success, imported.Count, rows.Count, null, skipped);
        logger.LogInformation("Tenant import by {UserName}: {Imported} created, {Skipped} skipped", actor, imported.Count, skipped.Count);
        return new ImportReport(true, $"{ImportReport.Count(imported.Count, "tenant")} imported" +
                                      (skipped.Count > 0 ? $", {ImportReport.Count(skipped.Count, "row")} skipped (listed below)." : ".") +
                                      " They show \"Not configured\" until their secrets are set.", imported, skipped);
    }

    /// <summary>One transaction; each row is saved (for its id and the progress) but only committed with the last.</summary>
    private async Task<List<ImportedTenant>> CreateAllAsync(List<ImportRow> rows, IReadOnlyList<RegionSummary> regionList, string actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var created = new List<(ImportRow Row, Tenant Tenant)>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            var tenant = new Tenant { CreatedUtc = now, CreatedBy = actor };
            TenantService.Apply(row.Model, tenant, regionList, actor, now);
            db.Add(tenant);
            await db.SaveChangesAsync(ct);
            created.Add((row, tenant));
            progress?.Report(new ImportProgress(created.Count, rows.Count));
        }

        // The last moment a cancel undoes the import; once the commit starts it completes.
        ct.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None);
        return created.Select(c => new ImportedTenant(c.Row.Line, c.Tenant.Id, c.Tenant.DisplayName)).ToList();
    }

    /// <summary>The rules a save runs, per row, plus names repeated within the file. Rows already invalid keep their errors.</summary>
    private async Task<List<ImportRow>> JudgeAsync(List<ImportRow> rows, IReadOnlyList<RegionSummary> regionList, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var firstLineOfName = new Dictionary<string, long>(StringComparer.Ordinal);
        var judged = new List<ImportRow>(rows.Count);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            var errors = row.Errors.ToList();
            TenantService.NormaliseUrls(row.Model);
            var rules = await TenantService.ValidateAsync(db, row.Model, regionList, filter, null, ct);
            foreach (var (property, messages) in rules)
            {
                var column = TenantCsv.ColumnFor(property)?.Header ?? property;
                if (errors.All(e => e.Column != column))
                {
                    errors.AddRange(messages.Select(m => new ImportRowError(column, m)));
                }
            }

            var name = row.Model.DisplayName.Trim().ToUpperInvariant();
            if (name.Length > 0 && errors.All(e => e.Column != "DisplayName"))
            {
                if (firstLineOfName.TryGetValue(name, out var first))
                {
                    errors.Add(new ImportRowError("DisplayName", $"Display name: '{row.Model.DisplayName.Trim()}' is also on line {first.ToString(CultureInfo.InvariantCulture)} of this file (names ignore upper/lower case). Give each tenant its own name."));
                }
                else
                {
                    firstLineOfName[name] = row.Line;
                }
            }

            judged.Add(row with { Errors = errors });
            progress?.Report(new ImportProgress(judged.Count, rows.Count));
        }

        return judged;
    }

    /// <summary>Cells to a form model. Unknown region codes and formula characters are the file's own errors.</summary>
    private static ImportRow ToRow(TenantCsvRow csvRow, IReadOnlyList<RegionSummary> regionList)
    {
        var errors = new List<ImportRowError>();
        string? Cell(string property) => csvRow.Cells.TryGetValue(property, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        foreach (var column in TenantCsv.Columns)
        {
            var value = Cell(column.Property)?.TrimStart(' ');
            if (value is { Length: > 0 } && TenantCsv.FormulaStarts.Contains(value[0]))
            {
                var shown = value[0] switch { '\t' => "a tab", '\r' => "a carriage return", var c => $"'{c}'" };
                errors.Add(new ImportRowError(column.Header, $"{column.Label} starts with {shown}, which a spreadsheet runs as a formula. Remove that first character in the file: such cells are refused, never changed for you."));
            }
        }

        int? RegionId(string property, RegionProduct product)
        {
            if (Cell(property) is not { } code)
            {
                return null;
            }

            if (TenantCsv.Region(regionList, product, code) is { } region)
            {
                return region.Id;
            }

            var column = TenantCsv.ColumnFor(property)!;
            var codes = string.Join(", ", regionList.Where(r => r.Product == product).Select(r => r.Code));
            errors.Add(new ImportRowError(column.Header, $"{column.Label} '{(code.Length > 20 ? code[..20] + "…" : code)}' is not a region code. Use one of: {codes}."));
            return null;
        }

        var model = new TenantEditModel
        {
            DisplayName = Cell(nameof(TenantEditModel.DisplayName)) ?? "",
            CustomerReference = Cell(nameof(TenantEditModel.CustomerReference)),
            UemConsoleUrl = Cell(nameof(TenantEditModel.UemConsoleUrl)) ?? "",
            UemApiUrl = Cell(nameof(TenantEditModel.UemApiUrl)) ?? "",
            UemRegionId = RegionId(nameof(TenantEditModel.UemRegionId), RegionProduct.Uem),
            UemTokenUrl = Cell(nameof(TenantEditModel.UemTokenUrl)) ?? "",
            OrganizationGroupId = Cell(nameof(TenantEditModel.OrganizationGroupId)),
            OrganizationGroupName = Cell(nameof(TenantEditModel.OrganizationGroupName)),
            IntelligenceRegionId = RegionId(nameof(TenantEditModel.IntelligenceRegionId), RegionProduct.Intelligence),
            OAuthClientId = Cell(nameof(TenantEditModel.OAuthClientId)),
            IntelligenceClientId = Cell(nameof(TenantEditModel.IntelligenceClientId)),
            Contacts = Cell(nameof(TenantEditModel.Contacts)),
            Notes = Cell(nameof(TenantEditModel.Notes)),
            TagsText = Cell(nameof(TenantEditModel.TagsText)),
        };
        return new ImportRow(csvRow.Line, model.DisplayName.Trim(), model, errors);
    }

    private async Task<(string? Value, string? Error)> ReadTextAsync(Stream content, CancellationToken ct)
    {
        var limit = Limits.MaxFileBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return (null, $"The file is larger than {limit / 1024} KB. Split it into smaller files (at most {Limits.MaxRows} rows each).");
            }
        }

        try
        {
            var bytes = buffer.ToArray();
            var bom = Encoding.UTF8.GetPreamble();
            var start = bytes.AsSpan().StartsWith(bom) ? bom.Length : 0;
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "The file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8 (comma delimited)\" and retry.");
        }
    }

    private async Task<string> RequireImporterAsync(CancellationToken ct)
    {
        try
        {
            return (await currentUser.RequireAnyRoleAsync(TenantService.Editors)).Identity?.Name ?? "unknown";
        }
        catch (PortalAccessDeniedException)
        {
            var name = (await currentUser.GetPrincipalAsync()).Identity?.Name;
            logger.LogWarning("Role check refused a tenant import for {UserName}", name);
            await audit.WriteAsync(new AuditEvent(AuditAction, AuditOutcome.Denied, (string?)null, new Dictionary<string, string?> { ["user"] = name, ["reason"] = "role" }), ct);
            throw;
        }
    }

    private async Task WriteSummaryAsync(ImportPreview preview, ImportMode mode, AuditOutcome outcome, int imported, int rows, string? reason, List<ImportRow>? skipped = null)
    {
        var name = await currentUser.GetPrincipalAsync();
        await audit.WriteAsync(new AuditEvent(AuditAction, outcome, (string?)null, new Dictionary<string, string?>
        {
            ["user"] = name.Identity?.Name,
            ["file"] = preview.FileName.Length > 100 ? preview.FileName[..100] : preview.FileName,
            ["mode"] = mode.ToString(),
            ["rows"] = rows.ToString(CultureInfo.InvariantCulture),
            ["imported"] = imported.ToString(CultureInfo.InvariantCulture),
            ["skipped"] = (skipped?.Count ?? rows - imported).ToString(CultureInfo.InvariantCulture),
            ["skippedLines"] = skipped is { Count: > 0 } ? string.Join(",", skipped.Take(50).Select(r => r.Line.ToString(CultureInfo.InvariantCulture))) : null,
            ["reason"] = reason,
        }), CancellationToken.None);
    }
}
