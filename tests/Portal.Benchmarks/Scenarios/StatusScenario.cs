using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// The status board at scale: thousands of tenants, each with a status snapshot and 20 stored checks per layer.
/// First page, a status filter, a deep page and the CSV export of the whole board.
/// </summary>
public sealed class StatusScenario : IScenario
{
    public string Name => "status";

    public bool SupportsPostgres => true;

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        // The issue's sizes: 1,000 and 10,000 tenants; quick mode only proves the scenario runs.
        var results = new List<BenchmarkResult>();
        foreach (var tenants in settings.Quick ? [100] : new[] { 1000, 10_000 })
        {
            results.AddRange(await RunSizeAsync(settings, tenants, cancellationToken));
        }

        return results;
    }

    private static async Task<IReadOnlyList<BenchmarkResult>> RunSizeAsync(BenchmarkSettings settings, int tenants, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.WorkFolder, tenants.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var commands = settings.OnPostgres ? new SqlCommandLog() : null;
        await using var portal = new BenchPortal(folder, settings.PostgresAdmin) { CommandLog = commands };
        _ = portal.Services;
        var seedWatch = Stopwatch.StartNew();
        await SeedAsync(portal, tenants, cancellationToken);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        var n = tenants.ToString("N0", CultureInfo.InvariantCulture) + " tenants";
        // Key lines: status-first-page-10k-pg-p95-ms, status-export-10k-pg-s, … (no suffix on SQLite).
        var key = $"{(tenants >= 1000 ? $"{tenants / 1000}k" : tenants.ToString(CultureInfo.InvariantCulture))}{(portal.UsesPostgres ? "-pg" : "")}";
        var results = new List<BenchmarkResult>();
        await using var scope = portal.ScopeFor("bench-admin", Roles.Admin);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();
        var reps = settings.Repetitions;
        await status.QueryBoardAsync(new StatusBoardQuery(), cancellationToken); // warm-up
        var firstPage = new BenchmarkResult("Status board: first page (25)", n, await Measure.RepeatAsync(reps, () => status.QueryBoardAsync(new StatusBoardQuery(), cancellationToken)), null,
            $"seeded in {seedSeconds:0.0} s ({(portal.UsesPostgres ? "binary COPY" : "EF Core")}), 20 checks per layer");
        results.Add(firstPage);
        results.Add(new("Status board: filter Failing", n, await Measure.RepeatAsync(reps, () => status.QueryBoardAsync(new StatusBoardQuery { Status = ConnectionStatus.Failing }, cancellationToken)), null, ""));
        var lastPage = tenants / 25 - 1;
        results.Add(new("Status board: last page", n, await Measure.RepeatAsync(reps, () => status.QueryBoardAsync(new StatusBoardQuery { Page = lastPage }, cancellationToken)), null, "OFFSET paging"));
        commands?.Recording = true;
        var exportWatch = Stopwatch.StartNew();
        var exported = new LineCountingStream();
        await status.ExportCsvAsync(new StatusBoardQuery(), exported, cancellationToken);
        var exportMs = exportWatch.Elapsed.TotalMilliseconds;
        commands?.Recording = false;
        if (exported.Lines < tenants + 1)
        {
            throw new InvalidOperationException($"The export wrote {exported.Lines} lines for {tenants} tenants: it is not measuring the whole board.");
        }

        var exportNote = "one ordered stream, newest checks per 200 rows";
        settings.Report($"status-first-page-{key}-p95-ms", firstPage.P95, "0.0");
        settings.Report($"status-export-{key}-s", exportMs / 1000, "0.000");
        if (commands is not null)
        {
            var fullScans = await FullScansOfCheckResultsAsync(portal, commands, cancellationToken);
            settings.Report($"status-export-{key}-check-result-full-scans", fullScans, "0");
            exportNote += $"; EXPLAIN: {fullScans} of its queries scan all check results (target 0)";
        }

        results.Add(new("Status CSV export: whole board", n, [exportMs], null, exportNote));
        return results;
    }

    /// <summary>
    /// How many of the export's distinct queries PostgreSQL plans with a sequential scan of the check results (the table
    /// that grows by 80 rows per tenant per day); each one's plan is printed. Scans of the tenants and their snapshots
    /// are expected: the board counts every tenant.
    /// </summary>
    private static async Task<int> FullScansOfCheckResultsAsync(BenchPortal portal, SqlCommandLog commands, CancellationToken ct)
    {
        await using var connection = await BenchPostgres.OpenAsync(portal, ct);
        var recorded = commands.Distinct();
        var fullScans = 0;
        foreach (var command in recorded)
        {
            var plan = await SqlCommandLog.ExplainAsync(connection, command, ct);
            if (plan.Contains("Seq Scan on \"StatusCheckResults\"", StringComparison.Ordinal))
            {
                fullScans++;
                Console.WriteLine($"Full scan of the check results in an export query:{Environment.NewLine}{command.Text}{Environment.NewLine}{plan}");
            }
        }

        if (!recorded.Any(c => c.Text.Contains("\"StatusCheckResults\"", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("No export query read the check results: the plan check is not looking at the export.");
        }

        return fullScans;
    }

    /// <summary>
    /// Tenants with one tag, a snapshot (every 10th Failing) and 20 checks per layer. SQLite: EF Core in batches of 100
    /// tenants; PostgreSQL: the same rows with binary COPY (EF Core's row-by-row inserts take minutes for 800,000 checks).
    /// </summary>
    private static async Task SeedAsync(BenchPortal portal, int tenants, CancellationToken ct)
    {
        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var now = DateTime.UtcNow;
        int regionId;
        string tokenUrl;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem, ct);
            (regionId, tokenUrl) = (region.Id, region.TokenUrl);
        }

        if (portal.UsesPostgres)
        {
            await using var connection = await BenchPostgres.OpenAsync(portal, ct);
            await using (var transaction = await connection.BeginTransactionAsync(ct))
            {
                var all = Enumerable.Range(0, tenants).Select(i => NewTenant(i, regionId, tokenUrl, now)).ToList();
                await BenchPostgres.InsertTenantsAsync(connection, all, ct);
                await BenchPostgres.InsertStatusAsync(connection, all.Select(t => SnapshotOf(t.Id, now)), all.SelectMany(t => ChecksOf(t.Id, now)), ct);
                await transaction.CommitAsync(ct);
            }

            await BenchPostgres.VacuumAnalyzeAsync(connection, ct, "Tenants", "TenantTags", "TenantStatus", "StatusCheckResults");
            return;
        }

        const int batch = 100;
        for (var start = 0; start < tenants; start += batch)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var created = Enumerable.Range(start, Math.Min(batch, tenants - start)).Select(i => NewTenant(i, regionId, tokenUrl, now)).ToList();
            db.AddRange(created);
            await db.SaveChangesAsync(ct);
            foreach (var tenant in created)
            {
                db.Add(SnapshotOf(tenant.Id, now));
                foreach (var check in ChecksOf(tenant.Id, now))
                {
                    db.Add(check);
                }
            }

            await db.SaveChangesAsync(ct);
        }
    }

    private static Tenant NewTenant(int i, int regionId, string tokenUrl, DateTime now) => new()
    {
        DisplayName = $"Bench tenant {i:D5}", NormalizedName = $"BENCH TENANT {i:D5}", UemConsoleUrl = "https://cn.example", UemApiUrl = $"https://as{i % 20}.example",
        UemTokenUrl = tokenUrl, UemRegionId = regionId, CreatedUtc = now, CreatedBy = "bench", UpdatedUtc = now, UpdatedBy = "bench",
        Tags = [new TenantTag { Name = i % 2 == 0 ? "even" : "odd" }],
    };

    private static bool IsFailing(int tenantId) => tenantId % 10 == 0;

    private static TenantStatusSnapshot SnapshotOf(int tenantId, DateTime now) =>
        new() { TenantId = tenantId, Status = IsFailing(tenantId) ? ConnectionStatus.Failing : ConnectionStatus.Connected, StatusSinceUtc = now, LastCheckedUtc = now };

    private static IEnumerable<CheckResult> ChecksOf(int tenantId, DateTime now)
    {
        foreach (var layer in Enum.GetValues<ConnectionLayer>())
        {
            for (var k = 0; k < 20; k++)
            {
                yield return new CheckResult
                {
                    TenantId = tenantId, Layer = layer, Outcome = IsFailing(tenantId) && k == 0 ? CheckOutcome.Failed : CheckOutcome.Passed,
                    Diagnosis = "ok", LatencyMs = 100, CheckedUtc = now.AddMinutes(-15 * k),
                };
            }
        }
    }
}
