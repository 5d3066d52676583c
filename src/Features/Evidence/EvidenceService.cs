using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Shared.LongWork;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Users;

namespace Portal.Features.Evidence;

/// <summary>
/// An auditor's evidence pack for one tenant and period: the connection as configured (fingerprints only),
/// the set-up and rotation runs, every audit entry for the tenant, and the result of verifying the whole chain.
/// </summary>
public sealed record EvidencePack(
    SetupSnapshot Tenant,
    DateTime FromUtc,
    DateTime ToUtc,
    IReadOnlyList<SetupRun> Runs,
    IReadOnlyList<AuditEntry> Entries,
    bool EntriesTruncated,
    AuditVerification Verification,
    DateTime GeneratedUtc,
    string GeneratedBy);

public sealed class EvidenceService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ISetupWorkflow setup,
    AuditQueryService auditQuery,
    CurrentUser currentUser,
    IAuditSink audit,
    TimeProvider clock)
{
    public const int MaxEntries = 5000;

    public async Task<EvidencePack?> BuildAsync(int tenantId, DateTime fromUtc, DateTime toUtc, string format, CancellationToken ct = default) =>
        await BuildAsync(tenantId, fromUtc, toUtc, format, progress: null, ct);

    /// <summary>Builds the pack, reporting the chain verification (its long part) as entries checked of the total.</summary>
    public async Task<EvidencePack?> BuildAsync(int tenantId, DateTime fromUtc, DateTime toUtc, string format, IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.EvidenceReaders);
        var tenant = await setup.LoadAsync(tenantId, ct); // applies the tenant scope
        if (tenant is null)
        {
            return null;
        }

        var tenantKey = tenantId.ToString(CultureInfo.InvariantCulture);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps)
            .Where(r => r.TenantId == tenantId && r.StartedUtc < toUtc && (r.FinishedUtc == null || r.FinishedUtc >= fromUtc))
            .OrderBy(r => r.StartedUtc).ToListAsync(ct);
        var entries = await db.Set<AuditEntry>().AsNoTracking()
            .Where(e => e.TenantId == tenantKey && e.TimestampUtc >= fromUtc && e.TimestampUtc < toUtc)
            .OrderBy(e => e.Id).Take(MaxEntries + 1).ToListAsync(ct);
        var verification = await auditQuery.VerifyChainAsync(progress.WithPhase("Verifying the audit trail"), ct);
        await audit.WriteAsync(new AuditEvent("audit.evidence.exported", AuditOutcome.Success, tenantId, new Dictionary<string, string?>
        {
            ["from"] = fromUtc.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = toUtc.ToString("O", CultureInfo.InvariantCulture),
            ["format"] = format,
            ["chainIntact"] = verification.IsIntact ? "true" : "false",
        }), ct);
        return new EvidencePack(tenant, fromUtc, toUtc, runs, [.. entries.Take(MaxEntries)], entries.Count > MaxEntries, verification,
            clock.GetUtcNow().UtcDateTime, principal.Identity?.Name ?? "unknown");
    }

    /// <summary>
    /// Builds the pack and writes it as CSV (the page's long export): verifying, then rows written of the total.
    /// Throws <see cref="PortalAccessDeniedException"/> when the tenant is outside the user's scope.
    /// </summary>
    public async Task ExportCsvAsync(int tenantId, DateTime fromUtc, DateTime toUtc, Stream output, IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        var pack = await BuildAsync(tenantId, fromUtc, toUtc, "csv", progress, ct)
            ?? throw new PortalAccessDeniedException("That tenant does not exist or is outside your tenant scope.");
        await WriteCsvAsync(pack, output, progress.WithPhase("Writing rows"), ct);
    }

    /// <summary>The same pack as CSV: one row per run step and per audit entry, plus the verification result.</summary>
    public static Task WriteCsvAsync(EvidencePack pack, Stream output, CancellationToken ct) => WriteCsvAsync(pack, output, progress: null, ct);

    /// <summary>As above, reporting rows written of the total.</summary>
    public static async Task WriteCsvAsync(EvidencePack pack, Stream output, IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pack);
        long total = 1 + pack.Runs.Sum(r => r.OrderedSteps.Count()) + pack.Entries.Count, written = 0;
        void Wrote()
        {
            if (++written % 100 == 0 || written == total)
            {
                progress?.Report(new WorkProgress(written, total));
                ct.ThrowIfCancellationRequested();
            }
        }

        progress?.Report(new WorkProgress(0, total));
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), leaveOpen: true);
        await using var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape }, leaveOpen: true);
        foreach (var header in (string[])["Section", "TimeUtc", "Actor", "What", "Outcome", "Details"])
        {
            csv.WriteField(header);
        }

        await csv.EndRecordAsync(ct);
        await RowAsync(csv, "integrity", pack.GeneratedUtc, pack.GeneratedBy, "audit chain verification",
            pack.Verification.IsIntact ? "intact" : "BROKEN",
            pack.Verification.IsIntact ? $"{pack.Verification.EntriesChecked} entries, head {pack.Verification.HeadId} {pack.Verification.HeadHash}" : $"first broken entry {pack.Verification.FirstBrokenId}: {pack.Verification.Problem}", ct);
        Wrote();
        foreach (var run in pack.Runs)
        {
            foreach (var step in run.OrderedSteps)
            {
                await RowAsync(csv, run.Kind == SetupRunKind.Rotation ? "rotation" : "setup", step.CompletedUtc, step.CompletedBy ?? "", StepTitles.Of(step.Step), step.State.ToString(),
                    step.SkipReason is { } reason ? $"Done in console: {reason}" : RunbookDocument.DescribeEvidence(step.EvidenceJson), ct);
                Wrote();
            }
        }

        foreach (var entry in pack.Entries)
        {
            await RowAsync(csv, "audit", entry.TimestampUtc, entry.Actor, entry.Action, entry.Outcome.ToString(), entry.DetailsJson, ct);
            Wrote();
        }

        await csv.FlushAsync(ct);
    }

    private static async Task RowAsync(CsvWriter csv, string section, DateTime? time, string actor, string what, string outcome, string details, CancellationToken ct)
    {
        csv.WriteField(section);
        csv.WriteField(time?.ToString("O", CultureInfo.InvariantCulture) ?? "");
        csv.WriteField(actor);
        csv.WriteField(what);
        csv.WriteField(outcome);
        csv.WriteField(details);
        await csv.EndRecordAsync(ct);
    }
}

public static class EvidenceFeature
{
    public static IServiceCollection AddEvidenceFeature(this IServiceCollection services)
    {
        services.AddScoped<EvidenceService>();
        return services;
    }

    public static IEndpointRouteBuilder MapEvidenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/audit/evidence.csv", async (HttpContext http, int tenant, DateTime? from, DateTime? to, EvidenceService evidence) =>
        {
            var (fromUtc, toUtc) = EvidencePeriod.Resolve(from, to, DateTime.UtcNow);
            var pack = await evidence.BuildAsync(tenant, fromUtc, toUtc, "csv", http.RequestAborted);
            if (pack is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"evidence-{tenant.ToString(CultureInfo.InvariantCulture)}-{fromUtc:yyyyMMdd}-{toUtc:yyyyMMdd}.csv\"";
            await EvidenceService.WriteCsvAsync(pack, http.Response.Body, http.RequestAborted);
        }).RequireAuthorization(policy => policy.RequireRole(Roles.EvidenceReaders));
        return endpoints;
    }
}

/// <summary>The period of an evidence pack: explicit dates (UTC days, "to" inclusive) or the last 90 days.</summary>
public static class EvidencePeriod
{
    public static (DateTime FromUtc, DateTime ToUtc) Resolve(DateTime? from, DateTime? to, DateTime nowUtc)
    {
        var toUtc = to is { } t ? DateTime.SpecifyKind(t.Date.AddDays(1), DateTimeKind.Utc) : DateTime.SpecifyKind(nowUtc.Date.AddDays(1), DateTimeKind.Utc);
        var fromUtc = from is { } f ? DateTime.SpecifyKind(f.Date, DateTimeKind.Utc) : toUtc.AddDays(-90);
        return fromUtc <= toUtc ? (fromUtc, toUtc) : (toUtc, fromUtc);
    }
}
