using System.ComponentModel.DataAnnotations;

namespace Portal.Data;

/// <summary>Which database the portal uses: SQLite on one machine (the default) or PostgreSQL for several instances.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the database lives and how it is brought up to date.</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (default, one instance) or <c>Postgres</c> (one or more instances sharing one database).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>True when <see cref="Provider"/> is PostgreSQL.</summary>
    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>SQLite database file; relative paths are resolved against the content root. Ignored on PostgreSQL.</summary>
    [Required, MinLength(1)]
    public string Path { get; set; } = "data/portal.db";

    /// <summary>PostgreSQL connection string (Npgsql format), e.g. <c>Host=db;Database=portal;Username=portal;Password=...</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply committed migrations when the portal starts (instances take a database lock, so only one migrates at a time).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>SQLite busy timeout in seconds: writers wait this long for the lock instead of failing.</summary>
    [Range(1, 300)]
    public int BusyTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// The provider configured under <c>Database:Provider</c> (SQLite when unset), for registration code that runs before
    /// options are built. Everything else reads <see cref="IsPostgres"/> on the bound options; both agree.
    /// </summary>
    public static DatabaseProvider ProviderFrom(IConfiguration configuration) =>
        configuration.GetSection(SectionName).GetValue(nameof(Provider), DatabaseProvider.Sqlite);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Database:ConnectionString is required when Database:Provider is Postgres " +
                "(environment variable Database__ConnectionString, e.g. 'Host=db;Database=portal;Username=portal;Password=...').",
                [nameof(ConnectionString)]);
        }
    }
}
