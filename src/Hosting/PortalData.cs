using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Hosting;

/// <summary>
/// Registers the database (SQLite by default, PostgreSQL when <c>Database:Provider</c> is <c>Postgres</c>) with one context
/// per operation through the factory, and its health checks. Feature code only ever sees <see cref="PortalDbContext"/>.
/// </summary>
public static class PortalData
{
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations();

        builder.Services.AddSingleton<DatabaseLocation>();
        if (DatabaseOptions.ProviderFrom(builder.Configuration) == DatabaseProvider.Postgres)
        {
            // Separate context type = separate migration set; everything else asks for PortalDbContext and gets this one.
            builder.Services.AddDbContextFactory<PostgresPortalDbContext>((services, options) =>
                options.UseNpgsql(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
            builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>>(services =>
                new PostgresContextFactory(services.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>()));
            builder.Services.AddScoped<PortalDbContext>(services => services.GetRequiredService<PostgresPortalDbContext>());
        }
        else
        {
            builder.Services.AddDbContextFactory<PortalDbContext>((services, options) =>
                options.UseSqlite(services.GetRequiredService<DatabaseLocation>().ConnectionString));
        }

        builder.Services.AddHealthChecks()
            .AddDbContextCheck<PortalDbContext>("database", tags: ["ready"])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"]);

        builder.Services.AddScoped<DatabaseInitializer>();
        return builder;
    }

    /// <summary>Checks the path, applies migrations and seeds what the portal needs before it serves a request.</summary>
    public static async Task InitializePortalDatabaseAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres)
        {
            app.Services.GetRequiredService<DatabaseLocation>().EnsureWritable();
        }

        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
    }
}

/// <summary>The resolved SQLite database file and its connection string.</summary>
public sealed class DatabaseLocation(IOptions<DatabaseOptions> options, IHostEnvironment environment)
{
    public string FullPath { get; } = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.Path));

    public string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = FullPath,
        Pooling = true,
        DefaultTimeout = options.Value.BusyTimeoutSeconds,
    }.ToString();

    /// <summary>Fails fast with a message an operator can act on when the folder cannot hold the database.</summary>
    public void EnsureWritable()
    {
        try
        {
            var directory = Path.GetDirectoryName(FullPath)!;
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            if (File.Exists(FullPath))
            {
                using var stream = File.Open(FullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new PortalStartupException(
                $"The database path '{FullPath}' is not writable ({ex.Message}). " +
                $"Set {DatabaseOptions.SectionName}:Path (environment variable Database__Path) to a file in a folder the portal can write to.",
                ex);
        }
    }
}
