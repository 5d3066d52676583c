using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>
/// The real portal with the sweeper's timer off (tests drive sweeps) and a scripted probe standing in for the remote
/// side, so each test sets every layer's outcome. Sweeper, storage, derivation, audit and notifications are the real ones.
/// </summary>
public sealed class StatusTestPortal : PortalAppFactory
{
    public StatusTestPortal()
    {
        WithSetting("Status:SweepEnabled", "false");
        WithSetting("Status:MaxConcurrency", "6");
        WithSetting("Status:MaxConcurrencyPerHost", "3");
        WithSetting("Status:TenantTimeoutSeconds", "2");
        WithSetting("Notifications:RetryBaseSeconds", "1");
        WithSetting("Notifications:PollSeconds", "1");
        // The webhook and SMTP receivers are real listeners on loopback, and the SMTP one speaks plain text.
        WithSetting("Egress:AllowedNetworks:0", "127.0.0.0/8");
        WithSetting("Notifications:AllowPlainSmtp", "true");
    }

    public ScriptedProbe Probe { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddScoped<IConnectionProbe>(_ => Probe));
    }

    public StatusSweeper Sweeper => Services.GetRequiredService<StatusSweeper>();

    public async Task<PortalDbContext> DbAsync() => await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>Adds a tenant directly (the tenant pages are not under test); with a client secret unless told otherwise.</summary>
    public async Task<int> AddTenantAsync(string name, string apiHost, string? tag = null, bool withSecret = true, int ageDays = 0)
    {
        await using var db = await DbAsync();
        var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem);
        var now = DateTime.UtcNow.AddDays(-ageDays);
        var tenant = new Tenant
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = $"https://{apiHost}/console", UemApiUrl = $"https://{apiHost}/api",
            UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = "client-" + name, CreatedUtc = now, CreatedBy = "test", UpdatedUtc = now, UpdatedBy = "test",
        };
        if (tag is not null)
        {
            tenant.Tags.Add(new TenantTag { Name = tag });
        }

        db.Add(tenant);
        await db.SaveChangesAsync();
        if (withSecret)
        {
            db.Add(new TenantSecret { TenantId = tenant.Id, Kind = TenantSecretKind.UemClientSecret, ProtectedValue = "protected", Fingerprint = "sha256:000000000000", SecretSetUtc = now, SetBy = "test" });
            await db.SaveChangesAsync();
        }

        return tenant.Id;
    }

    /// <summary>A DI scope acting as a signed-in user (with an id, so tenant scope applies as for real users).</summary>
    public AsyncServiceScope As(string userName, params string[] roles)
    {
        var scope = Services.CreateAsyncScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.NameIdentifier, "id-" + userName), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "Test");
        var state = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        state.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }
}

/// <summary>Stands in for UEM/Intelligence: per-tenant scripted results, optional delay, and an in-flight counter.</summary>
public sealed class ScriptedProbe : IConnectionProbe
{
    private readonly ConcurrentDictionary<int, Func<CancellationToken, Task<IReadOnlyList<LayerProbeResult>>>> _scripts = new();
    private readonly ConcurrentDictionary<string, int> _inFlightByHost = new();
    private readonly ConcurrentDictionary<string, int> _maxByHost = new();
    private readonly ConcurrentDictionary<int, string> _hosts = new();
    private HashSet<int>? _measured;
    private int _inFlight;
    private int _maxInFlight;

    public ConcurrentDictionary<int, DateTime> CompletedUtc { get; } = new();

    public int MaxInFlight => _maxInFlight;

    public int MaxInFlightFor(string host) => _maxByHost.GetValueOrDefault(host);

    /// <summary>
    /// Starts a new measurement over <paramref name="measured"/> only: a check of another tenant still running from an
    /// earlier test (a busy machine finishes it late) is neither counted nor able to push the figures up.
    /// </summary>
    public void ResetCounters(IEnumerable<int> measured)
    {
        _measured = [.. measured];
        _maxInFlight = 0;
        _inFlight = 0;
        _maxByHost.Clear();
        _inFlightByHost.Clear();
    }

    public static IReadOnlyList<LayerProbeResult> All(CheckOutcome outcome, string diagnosis = "ok") =>
        Enum.GetValues<ConnectionLayer>().Select(l => new LayerProbeResult(l, outcome, diagnosis, outcome == CheckOutcome.Passed ? null : "Fix it", 12, null, null)).ToList();

    public void Script(int tenantId, IReadOnlyList<LayerProbeResult> results, TimeSpan? delay = null, string host = "")
    {
        _hosts[tenantId] = host;
        _scripts[tenantId] = async ct =>
        {
            if (delay is { } d)
            {
                await Task.Delay(d, ct);
            }

            return results;
        };
    }

    public async Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct)
    {
        if (_measured is { } measured && !measured.Contains(tenantId))
        {
            // Outside the concurrency measurement, but tests still read when it finished.
            var unmeasured = _scripts.TryGetValue(tenantId, out var other) ? await other(ct) : [];
            CompletedUtc[tenantId] = DateTime.UtcNow;
            return unmeasured;
        }

        var host = _hosts.GetValueOrDefault(tenantId, "");
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        var hostNow = _inFlightByHost.AddOrUpdate(host, 1, (_, v) => v + 1);
        _maxByHost.AddOrUpdate(host, hostNow, (_, v) => Math.Max(v, hostNow));
        // A check leaves the sweeper's hands when it returns or when the sweeper cancels it (its timeout): on a busy
        // machine the cancelled task may finish a moment after the sweeper has already started the next check.
        var left = 0;
        void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                Interlocked.Decrement(ref _inFlight);
                _inFlightByHost.AddOrUpdate(host, 0, (_, v) => v - 1);
            }
        }

        using var cancelled = ct.Register(Leave);
        try
        {
            var result = _scripts.TryGetValue(tenantId, out var script) ? await script(ct) : [];
            CompletedUtc[tenantId] = DateTime.UtcNow;
            return result;
        }
        finally
        {
            Leave();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
