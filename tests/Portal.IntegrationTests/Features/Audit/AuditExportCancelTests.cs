using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>
/// The audit CSV export is audited once its rows are out, with their number. A download dropped part-way is still
/// audited (the rows sent are the client's), as a failure with the rows written; a page export cancelled into its
/// temporary file (discarded, so nothing reached anyone) leaves no "audit.exported" entry.
/// </summary>
public sealed class AuditExportCancelTests : IAsyncLifetime
{
    private const int Seeded = 3000;
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("seeder", Roles.Admin);
        var events = Enumerable.Range(0, Seeded)
            .Select(i => new AuditEvent("test.export", AuditOutcome.Success, "tenant-1", new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }))
            .ToList();
        await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteManyAsync(events, Ct);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Download_DroppedPartWay_IsAuditedAsAFailureWithTheRowsWritten()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The client goes away as soon as the first rows reach it: those rows are out, so the export must be on record.
        var output = new CancelOnFirstWriteStream(cancellation);
        await using var scope = _portal.Services.ScopeFor("export-dropper", Roles.Auditor);

        var cancelled = await CancelOnFirstWriteStream.CancelledAsync(scope.ServiceProvider.GetRequiredService<AuditQueryService>()
            .ExportCsvAsync(AuditFilter.None, output, cancellation.Token));

        cancelled.ShouldBeTrue("the export was expected to be cancelled, but it completed");
        output.Lines.ShouldBeLessThan(Seeded); // it stopped part-way, not after every row
        var exported = (await ExportedEntriesAsync("export-dropper")).ShouldHaveSingleItem();
        exported.Outcome.ShouldBe(AuditOutcome.Failure);
        exported.DetailsJson.ShouldContain("\"stoppedEarly\":\"true\"");
        var rowsWritten = int.Parse(System.Text.RegularExpressions.Regex.Match(exported.DetailsJson, "\"rows\":\"(\\d+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        rowsWritten.ShouldBeGreaterThanOrEqualTo(output.Lines - 1); // never fewer than the client received (minus the header)
        rowsWritten.ShouldBeLessThan(Seeded);
    }

    [Fact]
    public async Task PageExport_CancelledWhileWritingRows_StopsThere_AndWritesNoAuditEntry()
    {
        var before = await AuditRowsAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The page's Cancel: its rows went to a temporary file that is discarded.
        var output = new CancelOnFirstWriteStream(cancellation);
        await using var scope = _portal.Services.ScopeFor("export-canceller", Roles.Auditor);

        var cancelled = await CancelOnFirstWriteStream.CancelledAsync(scope.ServiceProvider.GetRequiredService<AuditQueryService>()
            .ExportCsvAsync(AuditFilter.None, output, new Progress<Portal.Components.Shared.LongWork.WorkProgress>(), cancellation.Token));

        cancelled.ShouldBeTrue("the export was expected to be cancelled, but it completed");
        output.Length.ShouldBeGreaterThan(0);
        output.Lines.ShouldBeLessThan(Seeded);
        (await AuditRowsAsync()).ShouldBe(before); // not even an "audit.exported" entry
        (await ExportedEntriesAsync("export-canceller")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Export_ToTheEnd_WritesOneAuditEntry_WithTheRowsWritten()
    {
        using var output = new MemoryStream();
        await using var scope = _portal.Services.ScopeFor("export-finisher", Roles.Auditor);

        await scope.ServiceProvider.GetRequiredService<AuditQueryService>().ExportCsvAsync(AuditFilter.None, output, Ct);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("Id,TimestampUtc,Actor");
        var rows = lines.Length - 1;
        rows.ShouldBeGreaterThanOrEqualTo(Seeded);
        var exported = (await ExportedEntriesAsync("export-finisher")).ShouldHaveSingleItem();
        exported.Outcome.ShouldBe(AuditOutcome.Success);
        exported.DetailsJson.ShouldContain($"\"rows\":\"{rows.ToString(CultureInfo.InvariantCulture)}\"");
    }

    private async Task<long> AuditRowsAsync()
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().LongCountAsync(Ct);
    }

    private async Task<List<AuditEntry>> ExportedEntriesAsync(string actor)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Actor == actor && e.Action == AuditActions.AuditExported).ToListAsync(Ct);
    }
}
