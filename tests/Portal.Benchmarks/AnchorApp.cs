using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Benchmarks;

/// <summary>
/// An anchor app for the circuit-size figures (Anchors/StockBlazor, the stock <c>dotnet new blazor --interactivity Server
/// --all-interactive</c> app; Anchors/MudShell, the same with only a MudBlazor layout), hosted in this process on a
/// loopback port as the portal is, so <see cref="GC.GetTotalMemory(bool)"/> sees its circuits the same way.
/// </summary>
public sealed class AnchorApp<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly int _port;

    /// <summary>Its key ring: a temp folder of its own, deleted with the app (not the user profile's default ring).</summary>
    private readonly DirectoryInfo _keys = Directory.CreateTempSubdirectory("portal-bench-anchor-keys-");

    /// <summary>Starts the anchor on Kestrel on a free loopback port.</summary>
    public AnchorApp()
    {
        _port = BenchPortal.FreeLoopbackPort();
        UseKestrel(_port);
        StartServer();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production"); // as a deployed stock app: no developer exception page or hot reload
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseStaticWebAssets(); // blazor.web.js (and MudBlazor's files) from the build's asset manifest
        builder.UseSetting("urls", BaseAddress.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Its key ring in a temp folder, not the user profile's default one (the circuit does not depend on where keys live).
        builder.ConfigureServices(services => services.AddDataProtection().PersistKeysToFileSystem(_keys));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        _keys.Refresh();
        if (_keys.Exists)
        {
            _keys.Delete(recursive: true);
        }
    }
}
