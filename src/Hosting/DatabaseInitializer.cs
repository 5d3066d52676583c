using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>
/// Applies migrations, switches SQLite to WAL, and seeds roles and the first admin account. On PostgreSQL the whole
/// start-up runs under a database lock, so instances starting together never seed the same rows twice.
/// </summary>
public sealed class DatabaseInitializer(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<DatabaseOptions> databaseOptions,
    FirstAdminBootstrapper firstAdmin,
    IEnumerable<IDataSeeder> seeders,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var lockHolder = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var startupLock = await DatabaseLocks.HoldAsync(lockHolder, DatabaseLocks.Startup, cancellationToken);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (databaseOptions.Value.MigrateOnStartup)
            {
                // An empty database would otherwise log a failed query for the missing history table as an error.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }

            if (!db.IsPostgres)
            {
                // WAL lets the status board and audit readers run while a writer appends.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        // The first admin and the seed data touch different tables, so they are written side by side (each on its
        // own context; SQLite serialises the writes). Seeders keep their order: the demo tenant needs the regions.
        await Task.WhenAll(
            Task.Run(() => firstAdmin.EnsureRolesAndFirstAdminAsync(cancellationToken), cancellationToken),
            Task.Run(() => SeedInOrderAsync(cancellationToken), cancellationToken));
        logger.LogInformation("Database ready");
    }

    private async Task SeedInOrderAsync(CancellationToken cancellationToken)
    {
        foreach (var seeder in seeders)
        {
            await seeder.SeedAsync(cancellationToken);
        }
    }
}

/// <summary>Idempotent seed data a feature needs (regions, demo tenant, ...); runs after migrations at start-up.</summary>
public interface IDataSeeder
{
    Task SeedAsync(CancellationToken cancellationToken);
}

/// <summary>Ready only when every committed migration has been applied.</summary>
public sealed class MigrationsHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("All migrations applied.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending.");
    }
}
