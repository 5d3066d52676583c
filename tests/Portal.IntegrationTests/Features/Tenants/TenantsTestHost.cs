using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Hosting;

namespace Portal.IntegrationTests.Features.Tenants;

/// <summary>
/// A real SQLite file and a real Data Protection key ring in a temp folder, with the production feature
/// registrations on a plain ServiceCollection. One provider per signed-in user; all share the file.
/// </summary>
internal sealed class TenantsTestHost : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    private TenantsTestHost(string folder)
    {
        Folder = folder;
        DatabasePath = Path.Combine(folder, "portal.db");
        KeysPath = Path.Combine(folder, "keys");
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public string KeysPath { get; }

    public RecordingAuditSink Audit { get; } = new();

    public ListLoggerProvider Logs { get; } = new();

    public static async Task<TenantsTestHost> CreateAsync()
    {
        var host = new TenantsTestHost(Path.Combine(Path.GetTempPath(), "portal-tenants-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(host.Folder);
        var setup = host.ProviderFor(Principal("setup", "setup", Roles.Admin));
        await using (var db = await setup.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        await using var scope = setup.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<IDataSeeder>())
        {
            await seeder.SeedAsync(CancellationToken.None);
        }

        return host;
    }

    public static ClaimsPrincipal Principal(string userId, string userName, params string[] roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, userId), new(ClaimTypes.Name, userName) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    /// <summary>Services as the given user; <paramref name="keysPath"/> overrides the key ring (to simulate a lost one).</summary>
    public ServiceProvider ProviderFor(ClaimsPrincipal user, string? keysPath = null)
    {
        var services = new ServiceCollection();
        // Demo mode as these tests were written for: the Simulated regions are seeded and listed beside the real ones.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:Enabled"] = "true" }).Build());
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        services.AddDbContextFactory<PortalDbContext>(o => o.UseSqlite(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()));
        services.AddDataProtection().SetApplicationName("ConnectorPortal").PersistKeysToFileSystem(new DirectoryInfo(keysPath ?? KeysPath));
        services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(user));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddSingleton<IAuditSink>(Audit);
        services.AddSingleton<Portal.Features.Cluster.IClusterBus, Portal.Features.Cluster.SingleInstanceBus>();
        services.AddRegionsFeature();
        services.AddTenantsFeature();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    /// <summary>Adds an Identity user row (tenant scopes reference it).</summary>
    public async Task AddUserAsync(string id, string userName)
    {
        var provider = _providers[0];
        await using var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.Users.Add(new PortalUser { Id = id, UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = userName, SecurityStamp = Guid.NewGuid().ToString() });
        await db.SaveChangesAsync();
    }

    public async Task<RegionSummary> RegionAsync(RegionProduct product, string code)
    {
        await using var scope = _providers[0].CreateAsyncScope();
        var regions = await scope.ServiceProvider.GetRequiredService<RegionService>().ListAsync(product);
        return regions.Single(r => r.Code == code);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

internal sealed class RecordingAuditSink : IAuditSink
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public Task WriteAsync(AuditEvent e, CancellationToken ct)
    {
        Events.Enqueue(e);
        return Task.CompletedTask;
    }
}

internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
