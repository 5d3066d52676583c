using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Status;

/// <summary>
/// The board and detail queries (always through <see cref="TenantScope"/>), check-now and attestation with
/// server-side role checks, and the CSV export. Reads stored results only: viewers never cause upstream calls.
/// </summary>
public sealed class StatusService(
    IDbContextFactory<PortalDbContext> dbFactory,
    TenantScope scope,
    CurrentUser currentUser,
    IAuditSink audit,
    StatusSweeper sweeper,
    StatusBroadcaster broadcaster,
    ISetupProgress setupProgress,
    TimeProvider clock,
    IOptions<StatusOptions> options)
{
    public static readonly string[] CheckRoles = [Roles.Helpdesk, Roles.TeamLead, Roles.Admin];
    public static readonly string[] AttestRoles = [Roles.TeamLead, Roles.Admin];

    public const int SparklineLength = 20;

    public async Task<(bool CanCheck, bool CanAttest)> CapabilitiesAsync()
    {
        var user = await currentUser.GetPrincipalAsync();
        return (CheckRoles.Any(user.IsInRole), AttestRoles.Any(user.IsInRole));
    }

    private IQueryable<Tenant> Filtered(PortalDbContext db, TenantScopeFilter filter, StatusBoardQuery query)
    {
        var tenants = filter.Apply(db.Set<Tenant>().AsNoTracking()).Where(t => !t.IsArchived);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = TextSearch.ContainsPattern(query.Search);
#pragma warning disable CA1304, CA1311 // ToUpper() runs in the database as upper(), not in .NET
            tenants = tenants.Where(t => EF.Functions.Like(t.NormalizedName, pattern, TextSearch.Escape)
                || (t.CustomerReference != null && EF.Functions.Like(t.CustomerReference.ToUpper(), pattern, TextSearch.Escape)));
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

        var now = clock.GetUtcNow().UtcDateTime;
        tenants = tenants.WhereRotation(db, query.Rotation, now, options.Value.RotationPolicyDays);
        return query.ReviewOverdue ? tenants.WhereReviewOverdue(db, now, options.Value.AttestationOverdueDays) : tenants;
    }

    /// <summary>Tenants with their stored status, by the board's rule (see <see cref="StatusQueries.WithBoardStatus"/>).</summary>
    private IQueryable<TenantWithStatus> Join(PortalDbContext db, IQueryable<Tenant> tenants) =>
        tenants.WithBoardStatus(db, clock.GetUtcNow().UtcDateTime, options.Value.Interval);

    public Task<StatusBoardResult> QueryBoardAsync(StatusBoardQuery query, CancellationToken ct = default) =>
        QueryPageAsync(query, SparklineLength, withCounts: true, ct);

    /// <summary>
    /// One page of the board with the newest <paramref name="historyLength"/> checks per layer. Without
    /// <paramref name="withCounts"/> (the export's later pages) the summary is empty and the total is -1: both are
    /// whole-board aggregates that do not change from page to page.
    /// </summary>
    private async Task<StatusBoardResult> QueryPageAsync(StatusBoardQuery query, int historyLength, bool withCounts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var joined = Join(db, Filtered(db, filter, query));
        // Summary counts cover the other filters but not the status filter, so the chart shows the whole picture.
        var counts = withCounts
            ? await joined.GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct)
            : [];
        if (query.Status is { } status)
        {
            joined = joined.Where(j => j.Status == status);
        }

        var total = withCounts ? await joined.CountAsync(ct) : -1;
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = await InBoardOrder(joined).Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToListAsync(ct);
        return new StatusBoardResult(await WithCellsAsync(db, page, historyLength, ct), total, StatusPresentation.Summary(counts));
    }

    /// <summary>The board's order (status, then how long, then name; the id makes it total, so pages never overlap) and one row's columns.</summary>
    private static IQueryable<BoardRowData> InBoardOrder(IQueryable<TenantWithStatus> joined) => joined
        .OrderBy(j => j.Status).ThenBy(j => j.Snapshot == null ? (DateTime?)null : j.Snapshot.StatusSinceUtc).ThenBy(j => j.Tenant.DisplayName).ThenBy(j => j.Tenant.Id)
        .Select(j => new BoardRowData(
            j.Tenant.Id, j.Tenant.DisplayName, j.Tenant.UemRegion!.DisplayName, j.Tenant.Tags.Select(x => x.Name).ToList(), j.Status,
            j.Snapshot == null ? null : j.Snapshot.StatusSinceUtc,
            j.Snapshot == null ? null : j.Snapshot.LastCheckedUtc,
            j.Snapshot == null ? null : j.Snapshot.Diagnosis,
            j.Snapshot == null ? null : j.Snapshot.LastAttestedUtc,
            j.Snapshot == null ? null : j.Snapshot.LastAttestedBy));

    private static async Task<List<StatusBoardRow>> WithCellsAsync(PortalDbContext db, IReadOnlyList<BoardRowData> page, int historyLength, CancellationToken ct)
    {
        var history = await StatusQueries.LatestPerLayerAsync(db, page.Select(p => p.Id).ToList(), historyLength, ct);
        var byTenant = history.ToLookup(h => (h.TenantId, h.Layer));
        return page.Select(p => new StatusBoardRow(p.Id, p.DisplayName, p.Region, p.Tags.Order(StringComparer.Ordinal).ToList(), p.Status, p.Since, p.LastChecked, p.Diagnosis,
            p.Attested, p.AttestedBy, BuildCells(byTenant, p.Id))).ToList();
    }

    private sealed record BoardRowData(int Id, string DisplayName, string Region, List<string> Tags, ConnectionStatus Status, DateTime? Since, DateTime? LastChecked,
        string? Diagnosis, DateTime? Attested, string? AttestedBy);

    /// <summary>The board's counts per status over the user's whole scope, in one grouped query (the home page's summary).</summary>
    public async Task<IReadOnlyList<(ConnectionStatus Status, int Count)>> SummaryAsync(CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await Join(db, Filtered(db, filter, new StatusBoardQuery()))
            .GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return StatusPresentation.Summary(counts);
    }

    private static List<StatusCell> BuildCells(ILookup<(int, ConnectionLayer), CheckResult> history, int tenantId) =>
        StatusPresentation.Layers.Select(layer =>
        {
            var checks = history[(tenantId, layer)].OrderBy(c => c.CheckedUtc).ThenBy(c => c.Id).ToList();
            var latest = checks.LastOrDefault();
            return new StatusCell(layer, latest?.Outcome, latest?.CheckedUtc, latest?.Diagnosis, checks.Select(c => c.Outcome).ToList());
        }).ToList();

    public async Task<StatusDetail?> GetDetailAsync(int tenantId, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await Join(db, filter.Apply(db.Set<Tenant>().AsNoTracking()).Where(t => t.Id == tenantId))
            .Select(j => new { j.Tenant, Region = j.Tenant.UemRegion!.DisplayName, Tags = j.Tenant.Tags.Select(x => x.Name).ToList(), j.Snapshot, j.Status })
            .FirstOrDefaultAsync(ct);
        if (item is null)
        {
            if (await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
            {
                await scope.ReportDeniedAsync(filter, tenantId, "status.view", ct);
            }

            return null;
        }

        var history = await StatusQueries.LatestPerLayerAsync(db, [tenantId], SparklineLength, ct);
        var cells = BuildCells(history.ToLookup(h => (h.TenantId, h.Layer)), tenantId);
        var row = new StatusBoardRow(tenantId, item.Tenant.DisplayName, item.Region, item.Tags, item.Status, item.Snapshot?.StatusSinceUtc, item.Snapshot?.LastCheckedUtc,
            item.Snapshot?.Diagnosis, item.Snapshot?.LastAttestedUtc, item.Snapshot?.LastAttestedBy, cells);

        var now = clock.GetUtcNow().UtcDateTime;
        var secrets = await db.Set<TenantSecret>().AsNoTracking().Where(s => s.TenantId == tenantId)
            .Select(s => new { s.Kind, s.Fingerprint, s.SecretSetUtc, s.SetBy }).ToListAsync(ct);
        var credentials = new List<CredentialAge>();
        foreach (var s in secrets.OrderBy(s => s.Kind))
        {
            var layer = StatusPresentation.LayerOf(s.Kind);
            var lastOk = await db.Set<CheckResult>().AsNoTracking()
                .Where(c => c.TenantId == tenantId && c.Layer == layer && c.Outcome == CheckOutcome.Passed && c.CheckedUtc >= s.SecretSetUtc)
                .MaxAsync(c => (DateTime?)c.CheckedUtc, ct);
            credentials.Add(new CredentialAge(TenantEditModel.SecretLabel(s.Kind), s.Fingerprint, s.SecretSetUtc, s.SetBy,
                RotationPolicy.Assess(s.SecretSetUtc, now, options.Value.RotationPolicyDays), lastOk));
        }

        var attestations = await db.Set<StatusAttestation>().AsNoTracking().Where(a => a.TenantId == tenantId).OrderByDescending(a => a.AttestedUtc).Take(20)
            .Select(a => new AttestationView(a.AttestedUtc, a.AttestedBy, a.StatusAtAttestation, a.Comment)).ToListAsync(ct);
        var setup = await setupProgress.StepInProgressByTenantAsync([tenantId], ct);
        return new StatusDetail(row, item.Snapshot?.Fix, credentials, attestations, setup.GetValueOrDefault(tenantId));
    }

    public async Task<CheckHistoryPage> QueryHistoryAsync(int tenantId, int page, int pageSize, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await filter.Apply(db.Set<Tenant>().AsNoTracking()).AnyAsync(t => t.Id == tenantId, ct))
        {
            return new CheckHistoryPage([], 0);
        }

        var checks = db.Set<CheckResult>().AsNoTracking().Where(c => c.TenantId == tenantId);
        var total = await checks.CountAsync(ct);
        var size = Math.Clamp(pageSize, 1, 200);
        var items = await checks.OrderByDescending(c => c.CheckedUtc).ThenByDescending(c => c.Id).Skip(Math.Max(0, page) * size).Take(size).ToListAsync(ct);
        return new CheckHistoryPage(items, total);
    }

    /// <summary>Checks the selected tenants now (Helpdesk, TeamLead, Admin); tenants outside the user's scope are skipped.</summary>
    public async Task<StatusActionResult> CheckNowAsync(IReadOnlyCollection<int> tenantIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        await currentUser.RequireAnyRoleAsync(CheckRoles);
        var filter = await scope.GetAsync(ct);
        List<int> allowed;
        string? onlyName;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ids = tenantIds.Distinct().ToList();
            var visible = await filter.Apply(db.Set<Tenant>().AsNoTracking()).Where(t => ids.Contains(t.Id) && !t.IsArchived)
                .Select(t => new { t.Id, t.DisplayName }).ToListAsync(ct);
            allowed = visible.Select(t => t.Id).ToList();
            onlyName = visible.Count == 1 ? visible[0].DisplayName : null;
            foreach (var denied in ids.Except(allowed))
            {
                if (await db.Set<Tenant>().AnyAsync(t => t.Id == denied, ct))
                {
                    await scope.ReportDeniedAsync(filter, denied, "status.check-now", ct);
                }
            }
        }

        if (allowed.Count == 0)
        {
            return StatusActionResult.Fail("None of the selected tenants can be checked.");
        }

        await audit.WriteAsync(new AuditEvent("status.check-now", AuditOutcome.Success, allowed.Count == 1 ? allowed[0] : null,
            new Dictionary<string, string?> { ["tenants"] = string.Join(",", allowed.Select(i => i.ToString(CultureInfo.InvariantCulture))) })
        { TenantName = onlyName }, ct);
        var statuses = await sweeper.SweepAsync(allowed, ct);
        var failing = statuses.Values.Count(s => s is ConnectionStatus.Failing or ConnectionStatus.NeedsReauthorisation);
        return StatusActionResult.Ok(allowed.Count == 1
            ? $"Checked: {StatusRules.Describe(statuses.Values.FirstOrDefault(ConnectionStatus.Stale))}."
            : $"Checked {allowed.Count} tenants; {failing} failing or needing re-authorisation.");
    }

    /// <summary>A team lead's review of the connection (TeamLead, Admin), with a required comment.</summary>
    public async Task<StatusActionResult> AttestAsync(int tenantId, string? comment, CancellationToken ct = default)
    {
        var actor = (await currentUser.RequireAnyRoleAsync(AttestRoles)).Identity?.Name ?? "unknown";
        if (AttestationRules.ValidateComment(comment) is { } error)
        {
            return StatusActionResult.Fail(error);
        }

        var filter = await scope.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await filter.Apply(db.Set<Tenant>().AsNoTracking()).AnyAsync(t => t.Id == tenantId, ct))
            {
                if (await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
                {
                    await scope.ReportDeniedAsync(filter, tenantId, "status.attested", ct);
                }

                return StatusActionResult.Fail("That tenant does not exist or is outside your tenant scope.");
            }

            var snapshot = await db.Set<TenantStatusSnapshot>().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
            if (snapshot is null)
            {
                snapshot = new TenantStatusSnapshot { TenantId = tenantId, Status = ConnectionStatus.Stale, StatusSinceUtc = now };
                db.Add(snapshot);
            }

            var text = comment!.Trim();
            db.Add(new StatusAttestation { TenantId = tenantId, AttestedBy = actor, AttestedUtc = now, StatusAtAttestation = snapshot.Status, Comment = text });
            snapshot.LastAttestedUtc = now;
            snapshot.LastAttestedBy = actor;
            snapshot.LastAttestationComment = text;
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(new AuditEvent("status.attested", AuditOutcome.Success, tenantId, new Dictionary<string, string?>
            {
                ["status"] = snapshot.Status.ToString(),
                ["comment"] = text,
            }), ct);
        }

        await broadcaster.PublishAsync([tenantId]);
        return StatusActionResult.Ok("Review recorded.");
    }

    /// <summary>
    /// Streams the board as filtered (all rows) as CSV straight to a client, audited as <see cref="AuditedExport"/>
    /// describes (a download stopped part-way included).
    /// </summary>
    public Task ExportCsvAsync(StatusBoardQuery query, Stream output, CancellationToken ct) => WriteCsvAsync(query, output, progress: null, toClient: true, ct);

    /// <summary>As above into a page export's temporary file, reporting rows written of the total; a cancelled one is discarded and leaves no entry.</summary>
    public Task ExportCsvAsync(StatusBoardQuery query, Stream output, IProgress<Portal.Components.Shared.LongWork.WorkProgress>? progress, CancellationToken ct) =>
        WriteCsvAsync(query, output, progress, toClient: false, ct);

    private async Task WriteCsvAsync(StatusBoardQuery query, Stream output, IProgress<Portal.Components.Shared.LongWork.WorkProgress>? progress, bool toClient, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await currentUser.RequireAnyRoleAsync(Roles.Readers);
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), leaveOpen: true);
        await using var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape }, leaveOpen: true);
        string[] header = ["TenantId", "Tenant", "Region", "Tags", "Status", "StatusSinceUtc", "LastCheckedUtc", .. StatusPresentation.Layers.Select(StatusPresentation.LayerLabel), "Diagnosis", "LastAttestedUtc", "LastAttestedBy"];
        foreach (var h in header)
        {
            csv.WriteField(h);
        }

        await csv.EndRecordAsync(ct);
        // One ordered query read as a stream (one sort of the board, not one per page), with each layer's newest check
        // fetched per batch of rows on a second connection while the first is still reading.
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var historyDb = await dbFactory.CreateDbContextAsync(ct);
        var joined = Join(db, Filtered(db, filter, query));
        if (query.Status is { } status)
        {
            joined = joined.Where(j => j.Status == status);
        }

        var total = await joined.CountAsync(ct);
        progress?.Report(new(0, total));
        await AuditedExport.WriteAsync(
            async written =>
            {
                var rows = 0;
                var batch = new List<BoardRowData>(ExportBatchSize);
                await foreach (var row in InBoardOrder(joined).AsAsyncEnumerable().WithCancellation(ct))
                {
                    batch.Add(row);
                    if (batch.Count == ExportBatchSize)
                    {
                        written(rows += batch.Count); // counted before they go out: a stop while they are being sent still records them
                        await WriteExportBatchAsync(csv, historyDb, batch, ct);
                        progress?.Report(new(rows, Math.Max(rows, total)));
                        batch.Clear();
                    }
                }

                written(rows += batch.Count);
                await WriteExportBatchAsync(csv, historyDb, batch, ct);
                progress?.Report(new(rows, Math.Max(rows, total)));
                return rows;
            },
            (rows, outcome, stoppedEarly, auditCt) => AuditExportAsync(query, rows, outcome, stoppedEarly, auditCt),
            toClient,
            ct);
    }

    private Task AuditExportAsync(StatusBoardQuery query, int rows, AuditOutcome outcome, bool stoppedEarly, CancellationToken ct) =>
        audit.WriteAsync(new AuditEvent("status.exported", outcome, TenantId: null, new Dictionary<string, string?>
        {
            ["rows"] = rows.ToString(CultureInfo.InvariantCulture),
            ["stoppedEarly"] = stoppedEarly ? "true" : null,
            ["search"] = query.Search,
            ["tag"] = query.Tag,
            ["status"] = query.Status?.ToString(),
            ["regionId"] = query.RegionId?.ToString(CultureInfo.InvariantCulture),
            ["rotation"] = query.Rotation == RotationFilter.Any ? null : query.Rotation.ToString(),
            ["reviewOverdue"] = query.ReviewOverdue ? "true" : null,
        }), ct);

    private const int ExportBatchSize = 200;

    /// <summary>Writes one batch of export rows with each layer's newest check (the file has no sparkline history).</summary>
    private static async Task WriteExportBatchAsync(CsvWriter csv, PortalDbContext historyDb, List<BoardRowData> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        foreach (var r in await WithCellsAsync(historyDb, batch, historyLength: 1, ct))
        {
            csv.WriteField(r.TenantId.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(r.TenantName);
            csv.WriteField(r.Region);
            csv.WriteField(string.Join(";", r.Tags));
            csv.WriteField(StatusRules.Describe(r.Status));
            csv.WriteField(Iso(r.StatusSinceUtc));
            csv.WriteField(Iso(r.LastCheckedUtc));
            foreach (var cell in r.Cells)
            {
                csv.WriteField(cell.Outcome is { } o ? StatusPresentation.OutcomeLabel(o) : "Not checked");
            }

            csv.WriteField(r.Diagnosis ?? "");
            csv.WriteField(Iso(r.LastAttestedUtc));
            csv.WriteField(r.LastAttestedBy ?? "");
            await csv.EndRecordAsync(ct);
        }

        await csv.FlushAsync(ct);
        ct.ThrowIfCancellationRequested(); // buffered rows (Npgsql) do not look at the token themselves
    }

    private static string Iso(DateTime? utc) => utc?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";
}
