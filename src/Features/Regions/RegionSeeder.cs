using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Hosting;

namespace Portal.Features.Regions;

/// <summary>
/// Inserts missing seed regions by (product, code) and refreshes rows from an older seed version, but never
/// touches a row an admin edited. The Simulated regions are seeded only in demo mode.
/// </summary>
public sealed class RegionSeeder(IDbContextFactory<PortalDbContext> dbFactory, IOptions<DemoOptions> demo, TimeProvider clock, ILogger<RegionSeeder> logger) : IDataSeeder
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Set<Region>().ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        int added = 0, refreshed = 0;
        foreach (var seed in RegionSeedData.All.Where(r => demo.Value.Enabled || r.Kind != RegionKind.Simulated))
        {
            var row = existing.FirstOrDefault(r => r.Product == seed.Product && r.Code == seed.Code);
            if (row is null)
            {
                db.Add(Copy(seed, new Region { Product = seed.Product, Code = seed.Code }, now));
                added++;
            }
            else if (!row.IsEditedByAdmin && row.SeedVersion < seed.SeedVersion)
            {
                Copy(seed, row, now);
                refreshed++;
            }
        }

        if (added + refreshed > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Region seed v{SeedVersion}: {Added} added, {Refreshed} refreshed", RegionSeedData.Version, added, refreshed);
        }
    }

    private static Region Copy(Region seed, Region target, DateTime now)
    {
        target.DisplayName = seed.DisplayName;
        target.Kind = seed.Kind;
        target.TokenUrl = seed.TokenUrl;
        target.LegacyTokenUrl = seed.LegacyTokenUrl;
        target.ApiBaseUrl = seed.ApiBaseUrl;
        target.Location = seed.Location;
        target.CountriesServed = seed.CountriesServed;
        target.SeedVersion = seed.SeedVersion;
        target.UpdatedUtc = now;
        target.UpdatedBy = "seed";
        target.Version = Guid.NewGuid();
        return target;
    }
}
