using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Shared.LongWork;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>
/// The whole-board CSV export on the real database (SQLite or PostgreSQL) reads only each layer's newest check (the
/// board's sparkline history is not in the file) and counts the board once: its rows and cells must still be the
/// board's, on every page of 200, with a progress total that is the board's count.
/// </summary>
public sealed class StatusExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Export_AcrossPages_ShowsEachLayersNewestCheck_AndReportsTheBoardsTotal()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        const int Tenants = 230; // two pages of 200
        var now = DateTime.UtcNow;
        var failingNow = new HashSet<int>();
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem, Ct);
            var tenants = Enumerable.Range(0, Tenants).Select(i => new Tenant
            {
                DisplayName = $"Export {i:000}", NormalizedName = $"EXPORT {i:000}", UemConsoleUrl = "https://export.example/console", UemApiUrl = "https://export.example/api",
                UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = "client", CreatedUtc = now, CreatedBy = "test", UpdatedUtc = now, UpdatedBy = "test",
                Tags = [new TenantTag { Name = "export" }],
            }).ToList();
            db.AddRange(tenants);
            await db.SaveChangesAsync(Ct);
            foreach (var (tenant, i) in tenants.Select((t, i) => (t, i)))
            {
                // Every third tenant's newest API check failed after older passes; the others recovered from an old failure.
                var failsNow = i % 3 == 0;
                if (failsNow)
                {
                    failingNow.Add(tenant.Id);
                }

                db.Add(new TenantStatusSnapshot { TenantId = tenant.Id, Status = failsNow ? ConnectionStatus.Failing : ConnectionStatus.Connected, StatusSinceUtc = now, LastCheckedUtc = now });
                foreach (var layer in StatusPresentation.Layers)
                {
                    for (var age = 3; age >= 0; age--)
                    {
                        var failed = layer == ConnectionLayer.UemApi && (failsNow ? age == 0 : age == 3);
                        db.Add(new CheckResult
                        {
                            TenantId = tenant.Id, Layer = layer, Outcome = failed ? CheckOutcome.Failed : CheckOutcome.Passed, Diagnosis = "d", LatencyMs = 1,
                            CheckedUtc = now.AddMinutes(-15 * age),
                        });
                    }
                }
            }

            await db.SaveChangesAsync(Ct);
        }

        await using var admin = portal.Services.ScopeFor("ada", Roles.Admin);
        var status = admin.ServiceProvider.GetRequiredService<StatusService>();
        var reports = new List<WorkProgress>();
        using var csv = new MemoryStream();
        await status.ExportCsvAsync(new StatusBoardQuery { Tag = "export" }, csv, new Synchronous(reports.Add), Ct);

        var lines = Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        var header = lines[0].ToList();
        // Counted from the end: the columns after the layers hold no commas here, the region's name might.
        var apiFromEnd = header.Count - header.IndexOf(StatusPresentation.LayerLabel(ConnectionLayer.UemApi));
        var rows = lines.Skip(1).ToList();
        rows.Count.ShouldBe(Tenants);
        rows.Select(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count().ShouldBe(Tenants);
        foreach (var row in rows)
        {
            var tenantId = int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture);
            row[^apiFromEnd].ShouldBe(StatusPresentation.OutcomeLabel(failingNow.Contains(tenantId) ? CheckOutcome.Failed : CheckOutcome.Passed), $"tenant {tenantId}");
        }

        // The board shows the same newest outcome (and keeps its history for the sparkline).
        var board = await status.QueryBoardAsync(new StatusBoardQuery { Tag = "export", PageSize = 200 }, Ct);
        var boardCell = board.Rows[0].Cells.Single(c => c.Layer == ConnectionLayer.UemApi);
        boardCell.History.Count.ShouldBe(4);
        rows.Single(r => r[0] == board.Rows[0].TenantId.ToString(System.Globalization.CultureInfo.InvariantCulture))[^apiFromEnd].ShouldBe(StatusPresentation.OutcomeLabel(boardCell.Outcome!.Value));

        reports.ShouldAllBe(r => r.Total == Tenants);
        reports[^1].Done.ShouldBe(Tenants);
    }

    [Fact]
    public async Task Download_DroppedPartWay_IsAuditedAsAFailure_ButACancelledPageExportIsNot()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        const int Tenants = 450; // three batches of 200
        var now = DateTime.UtcNow;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem, Ct);
            db.AddRange(Enumerable.Range(0, Tenants).Select(i => new Tenant
            {
                DisplayName = $"Dropped {i:000}", NormalizedName = $"DROPPED {i:000}", UemConsoleUrl = "https://export.example/console", UemApiUrl = "https://export.example/api",
                UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = "client", CreatedUtc = now, CreatedBy = "test", UpdatedUtc = now, UpdatedBy = "test",
            }));
            await db.SaveChangesAsync(Ct);
        }

        await using var scope = portal.Services.ScopeFor("dropper", Roles.Auditor);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();

        // The client goes away once the first rows reach it: those rows are out, so the export is on record.
        using (var dropped = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var output = new CancelOnFirstWriteStream(dropped);
            (await CancelOnFirstWriteStream.CancelledAsync(status.ExportCsvAsync(new StatusBoardQuery(), output, dropped.Token))).ShouldBeTrue();
            output.Lines.ShouldBeLessThan(Tenants);
            var entry = (await ExportedEntriesAsync(portal)).ShouldHaveSingleItem();
            entry.Outcome.ShouldBe(Portal.Features.Audit.AuditOutcome.Failure);
            entry.DetailsJson.ShouldContain("\"stoppedEarly\":\"true\"");
        }

        // The page's Cancel: the rows went to a temporary file that is discarded, so nothing is added.
        using (var cancelled = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var output = new CancelOnFirstWriteStream(cancelled);
            (await CancelOnFirstWriteStream.CancelledAsync(status.ExportCsvAsync(new StatusBoardQuery(), output, new Synchronous(_ => { }), cancelled.Token))).ShouldBeTrue();
            (await ExportedEntriesAsync(portal)).Count.ShouldBe(1);
        }

        // To the end: one more entry, a success with every row.
        using var full = new MemoryStream();
        await status.ExportCsvAsync(new StatusBoardQuery(), full, Ct);
        var success = (await ExportedEntriesAsync(portal)).Where(e => e.Outcome == Portal.Features.Audit.AuditOutcome.Success).ShouldHaveSingleItem();
        var rows = Encoding.UTF8.GetString(full.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        rows.ShouldBeGreaterThanOrEqualTo(Tenants);
        success.DetailsJson.ShouldContain($"\"rows\":\"{rows}\"");
    }

    private static async Task<List<Portal.Features.Audit.AuditEntry>> ExportedEntriesAsync(TenantsTestPortal portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<Portal.Features.Audit.AuditEntry>().AsNoTracking().Where(e => e.Action == "status.exported" && e.Actor == "dropper").OrderBy(e => e.Id).ToListAsync(Ct);
    }

    private sealed class Synchronous(Action<WorkProgress> onReport) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => onReport(value);
    }
}
