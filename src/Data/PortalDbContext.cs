using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// The portal's one database: Identity tables, the shared Data Protection key ring (used on PostgreSQL) and every
/// feature's entities. This type carries the SQLite migrations; <see cref="PostgresPortalDbContext"/> carries the
/// PostgreSQL ones. Add a migration to both:
/// <c>dotnet ef migrations add Name --context PortalDbContext --output-dir src/Data/Migrations</c> and
/// <c>dotnet ef migrations add Name --context PostgresPortalDbContext --output-dir src/Data/Migrations/Postgres</c>,
/// then regenerate both compiled models (src/Data/CompiledModels; README, "Layout").
/// </summary>
public class PortalDbContext : IdentityDbContext<PortalUser>, IDataProtectionKeyContext
{
    public PortalDbContext(DbContextOptions<PortalDbContext> options)
        : base(options)
    {
    }

    /// <summary>For provider-specific subclasses, so each keeps its own migration set.</summary>
    protected PortalDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

    /// <summary>True when this context talks to PostgreSQL (text search, locks and notifications differ).</summary>
    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // UTC everywhere: values are written and read back as UTC on both providers (PostgreSQL's timestamptz requires it).
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
