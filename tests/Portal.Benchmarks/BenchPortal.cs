using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Benchmarks;

/// <summary>
/// The real portal (real DI graph, real SQLite file) in-process, for service-level scenarios; with a port
/// (<see cref="StartOnLoopback"/>) also on Kestrel with its static assets, for the browser scenarios.
/// With <paramref name="postgresAdmin"/> (<c>--provider postgres</c>) it runs on a fresh PostgreSQL database instead,
/// created here and dropped at dispose, with a self-signed certificate protecting the shared Data Protection key ring.
/// </summary>
public sealed class BenchPortal(string folder, string? postgresAdmin = null, int? port = null) : WebApplicationFactory<Program>
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "Bench-Admin-Passw0rd!";

    public string DatabasePath => Path.Combine(folder, "portal.db");

    /// <summary>This portal's own database (<c>bench_&lt;guid&gt;</c>) when it runs on PostgreSQL, else null.</summary>
    public string? PostgresConnectionString { get; } = postgresAdmin is null ? null : BenchPostgres.CreateDatabase(postgresAdmin);

    public bool UsesPostgres => PostgresConnectionString is not null;

    /// <summary>On PostgreSQL: records the portal's queries while on, for their plans (set before the portal starts).</summary>
    public SqlCommandLog? CommandLog { get; init; }

    private readonly (string Path, string Password)? _certificate = postgresAdmin is null ? null : BenchPostgres.CreateCertificate(Path.Combine(folder, "certificate"));

    /// <summary>Root URL when started with <see cref="StartOnLoopback"/>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{port ?? throw new InvalidOperationException("Not started on Kestrel.")}/");

    /// <summary>Starts the portal on Kestrel on a free loopback port (a known port: the demo region points back at it).</summary>
    public static BenchPortal StartOnLoopback(string folder)
    {
        var free = FreeLoopbackPort();
        var portal = new BenchPortal(folder, port: free);
        portal.UseKestrel(free);
        portal.StartServer();
        return portal;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Benchmark");
        builder.UseContentRoot(AppContext.BaseDirectory); // appsettings.json is copied next to the harness
        builder.UseSetting("Database:Path", DatabasePath);
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(folder, "keys"));
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Bootstrap:AdminMustChangePassword", "false");
        builder.UseSetting("Demo:Enabled", "true"); // as before demo mode became opt-in: scenarios use the simulator
        builder.UseSetting("Egress:AllowedNetworks:0", "127.0.0.0/8"); // some scenarios run a separate simulator on a loopback port
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Serilog:WriteTo:1:Args:path", Path.Combine(folder, "logs", "portal-.log"));
        builder.UseSetting("Audit:AnchorFile", Path.Combine(folder, "logs", "audit-anchors.jsonl"));
        // Scenarios time the password sign-in many times over: no second factor, no sign-in rate limit.
        builder.UseSetting("Auth:Mfa:RequiredForRoles:0", "");
        builder.UseSetting("Auth:SignInRateLimit:PermitsPerAccount", "100000");
        builder.UseSetting("Auth:SignInRateLimit:PermitsPerAddress", "100000");
        if (PostgresConnectionString is not null && _certificate is { } certificate)
        {
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("Database:ConnectionString", PostgresConnectionString);
            builder.UseSetting("DataProtection:CertificatePath", certificate.Path);
            builder.UseSetting("DataProtection:CertificatePassword", certificate.Password);
            if (CommandLog is { } log)
            {
                builder.ConfigureTestServices(services => services.ConfigureDbContext<Portal.Data.PostgresPortalDbContext>(options => options.AddInterceptors(log)));
            }
        }

        if (port is { } kestrelPort)
        {
            builder.UseStaticWebAssets(); // blazor.web.js, MudBlazor CSS/JS from the build's asset manifest
            builder.UseSetting("urls", $"http://127.0.0.1:{kestrelPort}");
        }
    }

    /// <summary>
    /// A DI scope acting as a signed-in user, as a Blazor circuit would. With a user id, as every real sign-in has: the
    /// tenant scope is keyed by it, and a user without one sees no tenant at all (an Auditor would read only their own entries).
    /// </summary>
    public AsyncServiceScope ScopeFor(string userName, params string[] roles) => ScopeFor(Services, userName, roles);

    /// <summary>The same for another portal factory's services.</summary>
    public static AsyncServiceScope ScopeFor(IServiceProvider services, string userName, params string[] roles)
    {
        var scope = services.CreateAsyncScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.NameIdentifier, "bench-id-" + userName), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "Bench");
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (postgresAdmin is not null && PostgresConnectionString is not null)
        {
            BenchPostgres.DropDatabase(postgresAdmin, PostgresConnectionString);
        }
    }
}
