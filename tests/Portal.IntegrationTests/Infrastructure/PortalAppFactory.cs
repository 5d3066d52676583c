using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>
/// The real portal on Kestrel (loopback, free port) with its own temp folder for the SQLite file,
/// the Data Protection key ring and the log files, or (PORTAL_TEST_DATABASE=Postgres) its own PostgreSQL database.
/// Started eagerly so hosts never race at start-up.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "Adm1n!Integration-Pass";

    private readonly Dictionary<string, string?> _settings = [];

    private readonly bool _ownsPostgresDatabase;

    private readonly bool _ownsDataFolder;

    public PortalAppFactory()
        : this(sharedPostgresDatabase: null)
    {
    }

    /// <param name="sharedPostgresDatabase">Another instance's database: both portals then run on the same PostgreSQL database.</param>
    public PortalAppFactory(string? sharedPostgresDatabase)
        : this(sharedPostgresDatabase, sharedDataFolder: null)
    {
    }

    /// <param name="sharedPostgresDatabase">Another instance's database: both portals then run on the same PostgreSQL database.</param>
    /// <param name="sharedDataFolder">Another instance's data folder (SQLite file, key ring, logs): left in place on dispose.</param>
    public PortalAppFactory(string? sharedPostgresDatabase, string? sharedDataFolder)
    {
        if (sharedPostgresDatabase is not null)
        {
            PostgresConnectionString = sharedPostgresDatabase;
        }
        else if (TestDatabases.RunOnPostgres)
        {
            PostgresConnectionString = TestDatabases.CreatePostgresDatabase();
            _ownsPostgresDatabase = true;
        }

        _ownsDataFolder = sharedDataFolder is null;
        DataFolder = sharedDataFolder ?? Directory.CreateTempSubdirectory("portal-it-").FullName;
        // A known port (not 0): the simulated region's URLs point back at this portal's /simulator.
        Port = FreeLoopbackPort();
        UseKestrel(Port);
    }

    public int Port { get; }

    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string DataFolder { get; }

    /// <summary>Set when this portal runs on PostgreSQL.</summary>
    public string? PostgresConnectionString { get; }

    public bool UsesPostgres => PostgresConnectionString is not null;

    public string DatabasePath => Path.Combine(DataFolder, "portal.db");

    public string LogFolder => Path.Combine(DataFolder, "logs");

    /// <summary>Where exports prepared in a circuit wait for their one-time download.</summary>
    public string DownloadFolder => Path.Combine(DataFolder, "temp");

    /// <summary>The audit checkpoint file, beside the logs as in production.</summary>
    public string AnchorFilePath => Path.Combine(LogFolder, "audit-anchors.jsonl");

    /// <summary>Overrides applied on top of the defaults below (before start).</summary>
    public PortalAppFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public Uri BaseAddress => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseStaticWebAssets(); // dev-time asset manifest (MudBlazor, _framework) outside Development
        builder.UseSetting("urls", $"http://127.0.0.1:{Port}");
        builder.UseSetting("Demo:Enabled", "true"); // the simulator, the Simulated region and the demo tenant
        builder.UseSetting("Database:Path", DatabasePath);
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(DataFolder, "keys"));
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Bootstrap:AdminMustChangePassword", "false");
        builder.UseSetting("Serilog:WriteTo:1:Args:path", Path.Combine(LogFolder, "portal-.log"));
        builder.UseSetting("Audit:AnchorFile", AnchorFilePath);
        builder.UseSetting("Downloads:TempFolder", DownloadFolder);
        // MFA and sign-in limits have their own tests; elsewhere the admin signs in with a password, as often as tests need.
        builder.UseSetting("Auth:Mfa:RequiredForRoles:0", "");
        builder.UseSetting("Auth:SignInRateLimit:PermitsPerAccount", "100000");
        builder.UseSetting("Auth:SignInRateLimit:PermitsPerAddress", "100000");
        if (PostgresConnectionString is not null)
        {
            var (certificatePath, certificatePassword) = TestDatabases.DataProtectionCertificate;
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("Database:ConnectionString", PostgresConnectionString);
            builder.UseSetting("DataProtection:CertificatePath", certificatePath);
            builder.UseSetting("DataProtection:CertificatePassword", certificatePassword);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public virtual ValueTask InitializeAsync()
    {
        StartServer();
        ClientOptions.BaseAddress = ServerAddress();
        return ValueTask.CompletedTask;
    }

    private Uri ServerAddress()
    {
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>An HTTP client that keeps cookies and does not follow redirects, so tests can assert them.</summary>
    public PortalHttpClient CreatePortalClient() =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = ClientOptions.BaseAddress,
        });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (_ownsPostgresDatabase)
        {
            TestDatabases.DropPostgresDatabase(PostgresConnectionString!);
        }

        try
        {
            if (_ownsDataFolder)
            {
                Directory.Delete(DataFolder, recursive: true);
            }
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly on slow machines; the temp folder is harmless.
        }
    }
}
