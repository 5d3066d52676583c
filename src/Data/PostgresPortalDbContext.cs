using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Data;

/// <summary>The same model on PostgreSQL. A separate type only so its migrations (src/Data/Migrations/Postgres) stay apart.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model without a running server (migrations are generated offline).</summary>
public sealed class PostgresPortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPortalDbContext>()
            .UseNpgsql("Host=localhost;Database=portal_design_time")
            .Options);
}

/// <summary>Hands out PostgreSQL contexts wherever the app asks for <see cref="PortalDbContext"/>.</summary>
internal sealed class PostgresContextFactory(IDbContextFactory<PostgresPortalDbContext> inner) : IDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}

/// <summary>
/// Lets <c>dotnet ef</c> build the SQLite model explicitly; without it the tools would create <see cref="PortalDbContext"/>
/// through the PostgreSQL factory above (it makes a subtype) and write PostgreSQL migrations into the SQLite set.
/// </summary>
public sealed class SqlitePortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .Options);
}
