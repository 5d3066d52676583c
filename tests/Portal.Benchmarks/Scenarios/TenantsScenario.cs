using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// The tenants list at service level (what the grid's ServerData calls): first page and a search page
/// over 1,000 and 10,000 bulk-seeded tenants, as an admin (no tenant scope filter).
/// </summary>
public sealed class TenantsScenario : IScenario
{
    public string Name => "tenants";

    public bool SupportsPostgres => true;

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        await using var portal = new BenchPortal(settings.WorkFolder, settings.PostgresAdmin);
        _ = portal.Services; // start the host: migrations, regions, first admin
        var results = new List<BenchmarkResult>();
        var seeded = 0;
        int existing; // the portal may seed a demo tenant of its own
        await using (var scope = portal.ScopeFor("bench-admin", Roles.Admin))
        {
            existing = (await scope.ServiceProvider.GetRequiredService<TenantService>().QueryAsync(new TenantQuery { Status = TenantStatusFilter.All }, cancellationToken)).TotalCount;
        }

        foreach (var size in new[] { 1_000, 10_000 })
        {
            // The second size tops up the first, so the 10,000 run reuses the 1,000 rows.
            var added = size - seeded;
            var seedWatch = Stopwatch.StartNew();
            await TenantSeeder.SeedAsync(portal, added, cancellationToken);
            var seedMs = seedWatch.Elapsed.TotalMilliseconds;
            seeded = size;
            var n = size.ToString("N0", CultureInfo.InvariantCulture);

            await using var scope = portal.ScopeFor("bench-admin", Roles.Admin);
            var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
            var firstPage = new TenantQuery { PageSize = 25 };
            var search = new TenantQuery { PageSize = 25, Search = TenantSeeder.SearchTerm.ToLowerInvariant(), Page = 2 };
            var warm = await tenants.QueryAsync(firstPage, cancellationToken); // warm-up (EF model, query compilation)
            if (warm.TotalCount != existing + size)
            {
                throw new InvalidOperationException($"Expected {existing + size} tenants, the service sees {warm.TotalCount}.");
            }

            var found = await tenants.QueryAsync(search, cancellationToken);
            results.Add(new("Tenants query: first page (25)", n, await Measure.RepeatAsync(settings.Repetitions, () => tenants.QueryAsync(firstPage, cancellationToken)), null,
                string.Create(CultureInfo.InvariantCulture, $"{added:N0} bulk-seeded in {seedMs:0} ms")));
            results.Add(new("Tenants query: search, page 3", n, await Measure.RepeatAsync(settings.Repetitions, () => tenants.QueryAsync(search, cancellationToken)), null,
                string.Create(CultureInfo.InvariantCulture, $"LIKE on 3 columns, {found.TotalCount:N0} matches")));
        }

        return results;
    }
}
