using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Users;

namespace Portal.Features.Audit;

/// <summary>Read side of the audit trail: keyset-paged queries, streamed CSV export and chain verification.</summary>
public sealed class AuditQueryService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditVerifier verifier,
    CurrentUser currentUser,
    Tenants.TenantScope tenantScope,
    IAuditSink audit,
    IOptions<AuditOptions> options)
{
    /// <summary>Newest entries first. Pass <paramref name="olderThanId"/> for the next page or <paramref name="newerThanId"/> to go back.</summary>
    public async Task<AuditEntriesPage> QueryAsync(AuditFilter filter, long? olderThanId = null, long? newerThanId = null, CancellationToken cancellationToken = default)
    {
        var scoped = await ScopeAsync(filter, cancellationToken);
        var pageSize = options.Value.PageSize;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await ApplyAsync(db, scoped, cancellationToken);
        List<AuditEntry> entries;
        if (newerThanId is { } newer)
        {
            entries = await query.Where(e => e.Id > newer).OrderBy(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
            var hasNewer = entries.Count > pageSize;
            entries = [.. entries.Take(pageSize).OrderByDescending(e => e.Id)];
            return new AuditEntriesPage(entries, entries.Count > 0 ? entries[^1].Id : null, hasNewer && entries.Count > 0 ? entries[0].Id : null);
        }

        // One query shape for the first page and every older one (the first page is "older than any id"): EF Core compiles
        // it once, so the first step deeper does not pay a second compilation.
        var olderThan = olderThanId ?? long.MaxValue;
        entries = await query.Where(e => e.Id < olderThan).OrderByDescending(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var hasOlder = entries.Count > pageSize;
        entries = [.. entries.Take(pageSize)];
        return new AuditEntriesPage(
            entries,
            hasOlder ? entries[^1].Id : null,
            olderThanId is not null && entries.Count > 0 ? entries[0].Id : null);
    }

    public async Task<AuditEntry?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        var scoped = await ScopeAsync(AuditFilter.None, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (await ApplyAsync(db, scoped, cancellationToken)).FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
    }

    /// <summary>
    /// Streams the filtered entries as CSV straight to a client (the GET endpoints), row by row in constant memory, audited
    /// as <see cref="AuditedExport"/> describes (a download stopped part-way included).
    /// </summary>
    public Task ExportCsvAsync(AuditFilter filter, Stream output, CancellationToken cancellationToken = default) =>
        WriteCsvAsync(filter, output, progress: null, toClient: true, cancellationToken);

    /// <summary>
    /// As above into a page export's temporary file, reporting rows written of the total (one count query first). A
    /// cancelled page export discards its file and leaves no entry.
    /// </summary>
    public Task ExportCsvAsync(AuditFilter filter, Stream output, IProgress<Components.Shared.LongWork.WorkProgress>? progress, CancellationToken cancellationToken = default) =>
        WriteCsvAsync(filter, output, progress, toClient: false, cancellationToken);

    private async Task WriteCsvAsync(AuditFilter filter, Stream output, IProgress<Components.Shared.LongWork.WorkProgress>? progress, bool toClient, CancellationToken cancellationToken)
    {
        var scoped = await ScopeAsync(filter, cancellationToken);
        await AuditedExport.WriteAsync(
            written => WriteRowsAsync(scoped, output, progress, written, cancellationToken),
            (rows, outcome, stoppedEarly, ct) => AuditExportAsync(scoped, filter.TenantId, rows, outcome, stoppedEarly, ct),
            toClient,
            cancellationToken);
    }

    private Task AuditExportAsync(ScopedFilter scoped, string? tenantId, int rows, AuditOutcome outcome, bool stoppedEarly, CancellationToken cancellationToken)
    {
        var details = Describe(scoped);
        details["rows"] = rows.ToString(CultureInfo.InvariantCulture);
        if (stoppedEarly)
        {
            details["stoppedEarly"] = "true";
        }

        return audit.WriteAsync(new AuditEvent(AuditActions.AuditExported, outcome, tenantId, details), cancellationToken);
    }

    private async Task<int> WriteRowsAsync(ScopedFilter scoped, Stream output, IProgress<Components.Shared.LongWork.WorkProgress>? progress, Action<int> written, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        long? total = progress is null ? null : await (await ApplyAsync(db, scoped, cancellationToken)).LongCountAsync(cancellationToken);
        progress?.Report(new(0, total));
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        // Escape formula-looking values (=, +, -, @) so a spreadsheet never executes audit content.
        await using var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape }, leaveOpen: true);
        foreach (var header in (string[])["Id", "TimestampUtc", "Actor", "ActorRoles", "SourceIp", "TenantId", "TenantName", "Action", "Outcome", "Details", "CorrelationId", "PreviousHash", "Hash"])
        {
            csv.WriteField(header);
        }

        await csv.EndRecordAsync(cancellationToken);
        var rows = 0;
        await foreach (var entry in (await ApplyAsync(db, scoped, cancellationToken)).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            csv.WriteField(entry.Id.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(entry.TimestampUtc.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(entry.Actor);
            csv.WriteField(entry.ActorRoles);
            csv.WriteField(entry.SourceIp);
            csv.WriteField(entry.TenantId);
            csv.WriteField(entry.TenantName);
            csv.WriteField(entry.Action);
            csv.WriteField(entry.Outcome.ToString());
            csv.WriteField(entry.DetailsJson);
            csv.WriteField(entry.CorrelationId);
            csv.WriteField(entry.PreviousHash);
            csv.WriteField(entry.Hash);
            await csv.EndRecordAsync(cancellationToken);
            written(++rows);
            if (rows % 1000 == 0)
            {
                await csv.FlushAsync(cancellationToken); // keep memory flat: hand rows to the response as we go
            }

            if (rows % 100 == 0)
            {
                progress?.Report(new(rows, Math.Max(rows, total ?? 0)));
                cancellationToken.ThrowIfCancellationRequested(); // buffered rows (Npgsql) do not look at the token themselves
            }
        }

        await csv.FlushAsync(cancellationToken);
        progress?.Report(new(rows, rows));
        return rows;
    }

    /// <summary>Walks the whole chain (Auditor and Admin only) and reports the first broken link.</summary>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => VerifyAsync(progress: null, cancellationToken);

    /// <summary>
    /// As <see cref="VerifyAsync(CancellationToken)"/>, reporting entries checked of the total. A cancelled verification
    /// throws <see cref="Components.Shared.LongWork.WorkCancelledException"/> and is not audited: it read, and changed nothing.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(IProgress<Components.Shared.LongWork.WorkProgress>? progress, CancellationToken cancellationToken = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Auditor, Roles.Admin);
        var result = await verifier.VerifyAsync(progress, cancellationToken);
        await audit.WriteAsync(new AuditEvent(AuditActions.AuditVerified, result.IsIntact ? AuditOutcome.Success : AuditOutcome.Failure, Details: new Dictionary<string, string?>
        {
            ["entriesChecked"] = result.EntriesChecked.ToString(CultureInfo.InvariantCulture),
            ["firstBrokenId"] = result.FirstBrokenId?.ToString(CultureInfo.InvariantCulture),
            ["problem"] = result.Problem,
        }), cancellationToken);
        return result;
    }

    /// <summary>The verification itself, without a role check (used by tests, benchmarks and evidence packs).</summary>
    internal Task<AuditVerification> VerifyChainAsync(CancellationToken cancellationToken) => verifier.VerifyAsync(cancellationToken);

    internal Task<AuditVerification> VerifyChainAsync(IProgress<Components.Shared.LongWork.WorkProgress>? progress, CancellationToken cancellationToken) =>
        verifier.VerifyAsync(progress, cancellationToken);

    /// <summary>A filter narrowed to what the user may see: null tenant ids = every entry the filter matches.</summary>
    private sealed record ScopedFilter(AuditFilter Filter, string UserName, IReadOnlyList<string>? TenantIds, IReadOnlyList<string>? Tags);

    /// <summary>
    /// Helpdesk staff (without a wider role) see only their own actions. Anyone scoped to tenant tags sees the entries
    /// of the tenants in their scope plus their own actions; entries of other tenants and tenant-less entries of other
    /// users (user administration, sign-ins) stay hidden. Decided here, in the query, for the page and every export alike.
    /// </summary>
    private async Task<ScopedFilter> ScopeAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var userName = principal.Identity!.Name!;
        var seesEveryone = principal.IsInRole(Roles.Auditor) || principal.IsInRole(Roles.Admin) || principal.IsInRole(Roles.TeamLead);
        if (!seesEveryone)
        {
            return new ScopedFilter(filter with { Actor = userName }, userName, null, null);
        }

        var tenants = await tenantScope.GetAsync(cancellationToken);
        if (tenants.AllowsAll)
        {
            return new ScopedFilter(filter, userName, null, null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await tenants.Apply(db.Set<Tenants.Tenant>().AsNoTracking()).Select(t => t.Id).ToListAsync(cancellationToken);
        return new ScopedFilter(filter, userName, [.. ids.Select(id => id.ToString(CultureInfo.InvariantCulture))], tenants.AllowedTags);
    }

    /// <summary>
    /// Builds the filtered query. A time range becomes an id range first (appends are serialised, so ids
    /// follow time), which keeps every filter on an index ending in Id: constant-time pages at any depth.
    /// </summary>
    private static async Task<IQueryable<AuditEntry>> ApplyAsync(PortalDbContext db, ScopedFilter scoped, CancellationToken cancellationToken)
    {
        var filter = scoped.Filter;
        var entries = db.Set<AuditEntry>().AsNoTracking();
        var query = entries;
        if (scoped.TenantIds is { } visibleTenants)
        {
            var self = scoped.UserName;
            query = query.Where(e => (e.TenantId != null && visibleTenants.Contains(e.TenantId)) || e.Actor == self);
        }

        if (filter.FromUtc is { } from)
        {
            var firstId = await entries.Where(e => e.TimestampUtc >= from).OrderBy(e => e.TimestampUtc).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);
            query = firstId is { } id ? query.Where(e => e.Id >= id) : query.Where(e => false);
        }

        if (filter.ToUtc is { } to)
        {
            var endId = await entries.Where(e => e.TimestampUtc >= to).OrderBy(e => e.TimestampUtc).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);
            if (endId is { } id)
            {
                query = query.Where(e => e.Id < id);
            }
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            query = query.Where(e => e.Actor == filter.Actor);
        }

        if (!string.IsNullOrWhiteSpace(filter.TenantId))
        {
            query = query.Where(e => e.TenantId == filter.TenantId);
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (filter.Outcome is { } outcome)
        {
            query = query.Where(e => e.Outcome == outcome);
        }

        return query;
    }

    private static Dictionary<string, string?> Describe(ScopedFilter scoped)
    {
        var details = Describe(scoped.Filter);
        if (scoped.Tags is { } tags)
        {
            details["scope"] = string.Join(",", tags); // what the exported file was limited to
        }

        return details;
    }

    private static Dictionary<string, string?> Describe(AuditFilter filter) => new()
    {
        ["from"] = filter.FromUtc?.ToString("O", CultureInfo.InvariantCulture),
        ["to"] = filter.ToUtc?.ToString("O", CultureInfo.InvariantCulture),
        ["actor"] = filter.Actor,
        ["tenant"] = filter.TenantId,
        ["action"] = filter.Action,
        ["outcome"] = filter.Outcome?.ToString(),
        ["format"] = "csv",
    };
}
