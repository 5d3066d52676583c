using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Cluster;
using Portal.Features.Downloads;
using Portal.Features.Regions;
using Portal.Features.Users;

namespace Portal.ComponentTests;

/// <summary>
/// Base context for every component test, mirroring the production UI services (style.md rule 14). Pages over the real
/// services opt in with <see cref="UsePortalDatabase"/> (an in-memory SQLite database and the shared infrastructure)
/// and then add only the features they render.
/// </summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly Dictionary<string, string?> _settings = [];
    private SqliteConnection? _connection;

    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // Tests render MudPopoverProvider themselves where a page opens popovers; the layout does so in production.
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
    }

    /// <summary>What pages and services recorded in the audit trail (after <see cref="UsePortalDatabase"/>).</summary>
    protected RecordingAuditSink Audit { get; } = new();

    /// <summary>
    /// An in-memory SQLite database and what every feature needs around it: configuration (see <see cref="WithSetting"/>),
    /// logging, an ephemeral key ring, the audit sink <see cref="Audit"/>, the current user, the cluster services and
    /// the Regions feature. <paramref name="demoMode"/> sets <c>Demo:Enabled</c>.
    /// </summary>
    protected void UsePortalDatabase(bool demoMode = true)
    {
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        _settings["Demo:Enabled"] = demoMode ? "true" : "false";
        // Built on first use, so a test can still change settings before it renders.
        Services.AddSingleton<IConfiguration>(_ => new ConfigurationBuilder().AddInMemoryCollection(_settings).Build());
        Services.AddLogging();
        Services.AddDbContextFactory<PortalDbContext>(o => o.UseSqlite(_connection));
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddHttpContextAccessor();
        Services.AddSingleton<IAuditSink>(Audit);
        Services.AddScoped<CurrentUser>();
        Services.AddClusterFeature(new ConfigurationBuilder().Build());
        Services.AddRegionsFeature();
        // The export button (LongExport) on the board, audit and evidence pages; nothing is written unless a test exports.
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        Services.AddSingleton(TimeProvider.System);
        Services.AddDownloadsFeature();
    }

    /// <summary>A configuration value (before the first render resolves the configuration).</summary>
    protected void WithSetting(string key, string? value) => _settings[key] = value;

    /// <summary>A context on the test database, created on first use.</summary>
    protected async Task<PortalDbContext> CreateDbAsync()
    {
        var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Database.EnsureCreatedAsync();
        return db;
    }

    /// <summary>Creates the database and seeds the built-in regions, the Simulated ones included.</summary>
    protected async Task SeedRegionsAsync()
    {
        await (await CreateDbAsync()).DisposeAsync();
        var factory = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await new RegionSeeder(factory, Microsoft.Extensions.Options.Options.Create(new DemoOptions { Enabled = true }), TimeProvider.System, NullLogger<RegionSeeder>.Instance).SeedAsync(CancellationToken.None);
    }

    /// <summary>Signs in <paramref name="userName"/> with the id "id-" + name (so tenant scope applies as for real users).</summary>
    protected void SignIn(string userName, params string[] roles) =>
        AddAuthorization().SetAuthorized(userName).SetRoles(roles).SetClaims(new Claim(ClaimTypes.NameIdentifier, "id-" + userName));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection?.Dispose();
        }

        base.Dispose(disposing);
    }
}
