using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Benchmarks;

/// <summary>The real portal (real DI graph, real SQLite file) in-process, for service-level scenarios.</summary>
public sealed class BenchPortal(string folder) : WebApplicationFactory<Program>
{
    public string DatabasePath => Path.Combine(folder, "portal.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Benchmark");
        builder.UseContentRoot(AppContext.BaseDirectory); // appsettings.json is copied next to the harness
        builder.UseSetting("Database:Path", DatabasePath);
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(folder, "keys"));
        builder.UseSetting("Bootstrap:AdminPassword", "Bench-Admin-Passw0rd!");
        builder.UseSetting("Bootstrap:AdminMustChangePassword", "false");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Serilog:WriteTo:1:Args:path", Path.Combine(folder, "logs", "portal-.log"));
    }

    /// <summary>A DI scope acting as a signed-in user, as a Blazor circuit would.</summary>
    public AsyncServiceScope ScopeFor(string userName, params string[] roles)
    {
        var scope = Services.CreateAsyncScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, userName), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "Bench");
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }
}
