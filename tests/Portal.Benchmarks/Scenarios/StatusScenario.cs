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

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        // The sizes: 1,000 and 10,000 tenants; quick mode only proves the scenario runs.
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
        await using var portal = new BenchPortal(folder);
        _ = portal.Services;
        var seedWatch = Stopwatch.StartNew();
        await SeedAsync(portal, tenants, cancellationToken);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        var n = tenants.ToString("N0", CultureInfo.InvariantCulture) + " tenants";
        var results = new List<BenchmarkResult>();
        await using var scope = portal.ScopeFor("bench-admin", Roles.Admin);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();
        var reps = settings.Repetitions;
        await status.QueryBoardAsync(new StatusBoardQuery(), cancellationToken); // warm-up
        results.Add(new("Status board: first page (25)", n, await Measure.RepeatAsync(reps, () => status.QueryBoardAsync(new StatusBoardQuery(), cancellationToken)), null,
            $"seeded in {seedSeconds:0.0} s, 20 checks per layer"));
        results.Add(new("Status board: filter Failing", n, await Measure.RepeatAsync(reps, () => status.QueryBoardAsync(new StatusBoardQuery { Status = ConnectionStatus.Failing }, cancellationToken)), null, ""));
        var lastPage = tenants / 25 - 1;
        results.Add(new("Status board: last page", n, await Measure.RepeatAsync(reps, () => status.QueryBoardAsync(new StatusBoardQuery { Page = lastPage }, cancellationToken)), null, "OFFSET paging"));
        var exportWatch = Stopwatch.StartNew();
        await status.ExportCsvAsync(new StatusBoardQuery(), Stream.Null, cancellationToken);
        results.Add(new("Status CSV export: whole board", n, [exportWatch.Elapsed.TotalMilliseconds], null, "pages of 200"));
        return results;
    }

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

        const int batch = 100;
        for (var start = 0; start < tenants; start += batch)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var created = Enumerable.Range(start, Math.Min(batch, tenants - start)).Select(i => new Tenant
            {
                DisplayName = $"Bench tenant {i:D5}", NormalizedName = $"BENCH TENANT {i:D5}", UemConsoleUrl = "https://cn.example", UemApiUrl = $"https://as{i % 20}.example",
                UemTokenUrl = tokenUrl, UemRegionId = regionId, CreatedUtc = now, CreatedBy = "bench", UpdatedUtc = now, UpdatedBy = "bench",
                Tags = [new TenantTag { Name = i % 2 == 0 ? "even" : "odd" }],
            }).ToList();
            db.AddRange(created);
            await db.SaveChangesAsync(ct);
            foreach (var tenant in created)
            {
                var failing = tenant.Id % 10 == 0;
                db.Add(new TenantStatusSnapshot { TenantId = tenant.Id, Status = failing ? ConnectionStatus.Failing : ConnectionStatus.Connected, StatusSinceUtc = now, LastCheckedUtc = now });
                foreach (var layer in Enum.GetValues<ConnectionLayer>())
                {
                    for (var k = 0; k < 20; k++)
                    {
                        db.Add(new CheckResult
                        {
                            TenantId = tenant.Id, Layer = layer, Outcome = failing && k == 0 ? CheckOutcome.Failed : CheckOutcome.Passed,
                            Diagnosis = "ok", LatencyMs = 100, CheckedUtc = now.AddMinutes(-15 * k),
                        });
                    }
                }
            }

            await db.SaveChangesAsync(ct);
        }
    }
}
