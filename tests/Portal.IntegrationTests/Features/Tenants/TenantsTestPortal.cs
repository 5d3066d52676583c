using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Setup.Demo;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Hosting;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Tenants;

/// <summary>
/// The real portal in demo mode (the Simulated regions are seeded and listed beside the real ones) with the status
/// sweeper off and no demo tenant, so each test starts from an empty tenant list. Users act through DI scopes
/// (<see cref="ActingUser.ScopeFor"/>); every audit event and log line is captured for the assertions.
/// </summary>
public sealed class TenantsTestPortal : PortalAppFactory
{
    private bool _ownsStore;

    private TenantsTestPortal((string? Database, string Folder) store, TenantsTestPortal? previous)
        : base(store.Database, store.Folder)
    {
        Audit = previous?.Audit ?? new AuditRecording();
        Logs = previous?.Logs ?? new CapturedLogs();
        WithSetting("Status:SweepEnabled", "false");
    }

    /// <summary>Audit events as the portal wrote them to its (real) audit trail; carried over a restart.</summary>
    public AuditRecording Audit { get; }

    /// <summary>Carried over a restart.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>A started portal on its own database and data folder, removed when the last portal using them is disposed.</summary>
    /// <param name="configure">Settings for this portal (<see cref="PortalAppFactory.WithSetting"/>), applied before it starts.</param>
    public static async Task<TenantsTestPortal> StartAsync(Action<TenantsTestPortal>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("portal-it-").FullName;
        var portal = new TenantsTestPortal((TestDatabases.RunOnPostgres ? TestDatabases.CreatePostgresDatabase() : null, folder), previous: null) { _ownsStore = true };
        configure?.Invoke(portal);
        await StartOrDisposeAsync(portal);
        return portal;
    }

    /// <summary>Stops this portal and starts another on the same database and key ring, as a restart does.</summary>
    public async Task<TenantsTestPortal> RestartAsync()
    {
        var next = new TenantsTestPortal((PostgresConnectionString, DataFolder), previous: this) { _ownsStore = _ownsStore };
        _ownsStore = false;
        await DisposeAsync();
        await StartOrDisposeAsync(next);
        return next;
    }

    private static async Task StartOrDisposeAsync(TenantsTestPortal portal)
    {
        try
        {
            await portal.InitializeAsync();
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.Remove(services.Single(d => d.ServiceType == typeof(IDataSeeder) && d.ImplementationType == typeof(DemoTenantSeeder)));
            services.AddScoped<IAuditSink>(sp => new RecordingAuditSink(Audit, ActivatorUtilities.CreateInstance<AuditService>(sp)));
            services.AddSingleton<Serilog.Core.ILogEventSink>(Logs);
        });
    }

    /// <summary>Adds an Identity user row (tenant scopes reference it) and returns the id <see cref="ActingUser.ScopeFor"/> gives that user.</summary>
    public async Task<string> AddUserAsync(string userName)
    {
        var id = ActingUser.UserIdOf(userName);
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.Users.Add(new PortalUser { Id = id, UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = userName, SecurityStamp = Guid.NewGuid().ToString() });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<RegionSummary> RegionAsync(RegionProduct product, string code)
    {
        await using var scope = Services.ScopeFor("setup", Roles.Admin);
        var regions = await scope.ServiceProvider.GetRequiredService<RegionService>().ListAsync(product);
        return regions.Single(r => r.Code == code);
    }

    /// <summary>
    /// Re-encrypts a tenant's stored secrets with a key ring this portal does not hold, as they are after the key ring
    /// they were saved with is lost. (A portal that has lost its whole key ring refuses to start: the audit chain key
    /// cannot be read either, so the loss is staged on the secrets alone.)
    /// </summary>
    public async Task LoseKeyRingOfSecretsAsync(int tenantId)
    {
        var current = Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(TenantSecretsService.Purpose);
        var lost = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(DataFolder, "lost-keys")), b => b.SetApplicationName("ConnectorPortal"))
            .CreateProtector(TenantSecretsService.Purpose);
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var secrets = await db.Set<TenantSecret>().Where(s => s.TenantId == tenantId).ToListAsync();
        secrets.ShouldNotBeEmpty();
        foreach (var secret in secrets)
        {
            secret.ProtectedValue = lost.Protect(current.Unprotect(secret.ProtectedValue));
        }

        await db.SaveChangesAsync();
    }

    /// <summary>What someone holding the database has: the SQLite file (with its journal), or every row of every table on PostgreSQL.</summary>
    public async Task<byte[]> DatabaseAtRestAsync()
    {
        if (PostgresConnectionString is not { } connectionString)
        {
            var bytes = new List<byte>();
            foreach (var file in Directory.GetFiles(DataFolder, Path.GetFileName(DatabasePath) + "*"))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                bytes.AddRange(copy.ToArray());
            }

            return [.. bytes];
        }

        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new Npgsql.NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.AppendLine(reader.GetString(0));
            }
        }

        return Encoding.UTF8.GetBytes(dump.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (!_ownsStore)
        {
            return;
        }

        _ownsStore = false;
        if (PostgresConnectionString is not null)
        {
            TestDatabases.DropPostgresDatabase(PostgresConnectionString);
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }

    /// <summary>Records each event, then writes it to the portal's audit trail.</summary>
    private sealed class RecordingAuditSink(AuditRecording recording, IAuditSink trail) : IAuditSink
    {
        public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
        {
            await trail.WriteAsync(auditEvent, cancellationToken);
            recording.Events.Enqueue(auditEvent);
        }
    }
}

public sealed class AuditRecording
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();
}
