using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Simulator;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// The status sweep against the built-in simulator with 50 ms injected latency per call: each tenant has its own
/// OAuth client (so its own token), and the tenants are spread over 8 loopback hosts (127.0.0.1-8) the way real
/// tenants are spread over UEM API hosts, so the per-host cap works as in production. Default concurrency.
/// </summary>
public sealed class SweepScenario : IScenario
{
    private const int Hosts = 8;

    public string Name => "sweep";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        var tenants = settings.Quick ? 40 : 1000;
        var sample = settings.Quick ? 4 : 11; // the first one warms up, untimed
        await using var portal = new SweepPortal(settings.WorkFolder, BenchPortal.FreeLoopbackPort(), tenantTimeoutSeconds: settings.Quick ? 10 : 15); // quick runs share 2 cores with other suites: room for a slow check
        portal.StartServer();
        var simulator = portal.Services.GetRequiredService<SimulatorState>();
        var (clean, sequential, faulty) = await SeedAsync(portal, simulator, tenants, sample, cancellationToken);
        simulator.AddFault(new SimFault { Kind = SimFaultKind.Latency, DelayMilliseconds = 50 });
        var sweeper = portal.Services.GetRequiredService<StatusSweeper>();
        var n = tenants.ToString("N0", CultureInfo.InvariantCulture);

        // Sequential baseline: one tenant at a time (fresh tokens), extrapolated to N tenants. The first check of the
        // process (JIT, connection pools) is not timed: it would inflate the bound the sweeps are held to.
        await sweeper.SweepAsync([sequential[0]], cancellationToken);
        using var process = Process.GetCurrentProcess();
        var sequentialCpu = Cpu(process);
        var perTenant = new List<double>();
        foreach (var id in sequential.Skip(1))
        {
            var watch = Stopwatch.StartNew();
            await sweeper.SweepAsync([id], cancellationToken);
            perTenant.Add(watch.Elapsed.TotalMilliseconds);
        }

        // CPU per check (portal and in-process simulator together): a figure the other load on the machine does not distort.
        var sequentialCpuPerCheck = (Cpu(process) - sequentialCpu) / perTenant.Count;
        var sequentialEstimate = perTenant.Average() * tenants;
        // The best a sweep can do: ⌈N/C⌉ rounds of one sequential check each, C the configured concurrency.
        var concurrency = portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StatusOptions>>().Value.MaxConcurrency;
        var boundMs = Median(perTenant) * Math.Ceiling(tenants / (double)concurrency);

        simulator.ClearRequestLog();
        var firstCpu = Cpu(process);
        var first = Stopwatch.StartNew();
        var firstStatuses = await sweeper.SweepAsync(clean, cancellationToken);
        var firstMs = first.Elapsed.TotalMilliseconds;
        var firstCpuPerCheck = (Cpu(process) - firstCpu) / clean.Count;
        var firstTokens = simulator.CountRequests("/connect/token");
        simulator.ClearRequestLog();
        var secondCpu = Cpu(process);
        var second = Stopwatch.StartNew();
        await sweeper.SweepAsync(clean, cancellationToken);
        var secondMs = second.Elapsed.TotalMilliseconds;
        var secondCpuPerCheck = (Cpu(process) - secondCpu) / clean.Count;
        var secondTokens = simulator.CountRequests("/connect/token");
        var connected = firstStatuses.Values.Count(s => s is ConnectionStatus.Connected or ConnectionStatus.SetupInProgress);
        if (connected != clean.Count)
        {
            var statuses = string.Join(", ", firstStatuses.Values.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"));
            throw new InvalidOperationException($"Only {connected} of {clean.Count} simulated tenants came out healthy ({statuses}): the sweep is not measuring what it claims.");
        }

        // One tenant rate-limited (Retry-After 30 s) and one timing out, swept alongside the clean ones.
        // The simulator applies the first matching fault, so the targeted faults go before the general latency.
        simulator.ClearFaults();
        simulator.AddFault(new SimFault { Kind = SimFaultKind.RateLimit, ClientId = faulty[0].ClientId, RetryAfterSeconds = 30 });
        simulator.AddFault(new SimFault { Kind = SimFaultKind.Timeout, ClientId = faulty[1].ClientId });
        simulator.AddFault(new SimFault { Kind = SimFaultKind.Latency, DelayMilliseconds = 50 });
        var faultyRun = sweeper.SweepAsync([faulty[0].TenantId, faulty[1].TenantId], cancellationToken);
        var withFaults = Stopwatch.StartNew();
        await sweeper.SweepAsync(clean, cancellationToken);
        var withFaultsMs = withFaults.Elapsed.TotalMilliseconds;
        var faultyStatuses = await faultyRun;

        var ratio = sequentialEstimate / firstMs;
        settings.Report("sweep-sequential-per-tenant-ms", Median(perTenant), "0.0");
        settings.Report("sweep-concurrency", concurrency, "0");
        settings.Report("sweep-bound-s", boundMs / 1000);
        settings.Report("sweep-first-s", firstMs / 1000);
        settings.Report("sweep-second-s", secondMs / 1000);
        settings.Report("sweep-first-over-bound", firstMs / boundMs);
        settings.Report("sweep-second-over-bound", secondMs / boundMs);
        settings.Report("sweep-token-requests-first", firstTokens, "0");
        settings.Report("sweep-token-requests-second", secondTokens, "0");
        settings.Report("sweep-faults-over-clean", withFaultsMs / secondMs);
        settings.Report("sweep-sequential-cpu-ms-per-check", sequentialCpuPerCheck, "0.0");
        settings.Report("sweep-first-cpu-ms-per-check", firstCpuPerCheck, "0.0");
        settings.Report("sweep-second-cpu-ms-per-check", secondCpuPerCheck, "0.0");
        return
        [
            new("Sweep: sequential, per tenant (50 ms/call)", perTenant.Count.ToString(CultureInfo.InvariantCulture), perTenant, null,
                $"extrapolated to {n} tenants: {sequentialEstimate / 1000:0.0} s"),
            new("Sweep: first, default concurrency (fresh tokens)", n, [firstMs], null,
                $"{ratio:0.0}× faster than sequential (target ≥ 20×); token requests: {firstTokens} (target {n})"),
            new("Sweep: second, within token lifetime", n, [secondMs], null,
                $"{secondMs / boundMs:0.00}× the bound of {boundMs / 1000:0.0} s (⌈{n}/{concurrency}⌉ × {Median(perTenant):0} ms; target ≤ 1.5×; first sweep {firstMs / boundMs:0.00}×, target ≤ 2×); token requests: {secondTokens} (target 0)"),
            new("Sweep: with one 429 (Retry-After 30 s) and one timing-out tenant", n, [withFaultsMs], null,
                $"{(withFaultsMs / secondMs - 1) * 100:+0;-0} % vs the clean run (target within 10 %); faulty tenants: {string.Join(", ", faultyStatuses.Values.Select(StatusRules.Describe))}"),
        ];
    }

    /// <summary>This process's CPU time so far, in milliseconds.</summary>
    internal static double Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private static double Median(List<double> samples) => samples.Order().ElementAt(samples.Count / 2);

    internal sealed record Faulty(int TenantId, string ClientId);

    /// <summary>Bulk-inserts simulated tenants, each with its own OAuth client created in the simulator and encrypted secrets.</summary>
    internal static async Task<(List<int> Clean, List<int> Sequential, Faulty[] Faulty)> SeedAsync(SweepPortal portal, SimulatorState simulator, int count, int sample, CancellationToken ct)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var secrets = scope.ServiceProvider.GetRequiredService<TenantSecretsService>();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var region = await db.Set<Region>().FirstAsync(r => r.Product == RegionProduct.Uem && r.Kind == RegionKind.Simulated, ct);
        var now = DateTime.UtcNow;
        var created = new List<(Tenant Tenant, string ClientId, string Secret)>();
        var role = simulator.FindTenant(SimulatorDemo.TenantHostKey)!.Roles[SimulatorDemo.FullRole];
        for (var i = 0; i < count + sample + 2; i++)
        {
            var host = $"127.0.0.{1 + (i % Hosts)}:{portal.Port}";
            var hostKey = $"bench-{i}";
            var (clientId, secret) = AddSimulatedCustomer(simulator, hostKey, role);
            var name = $"Sweep tenant {i:0000}";
            var tenant = new Tenant
            {
                DisplayName = name,
                NormalizedName = name.ToUpperInvariant(),
                UemConsoleUrl = $"http://{host}/simulator",
                UemApiUrl = $"http://{host}/simulator/tenants/{hostKey}",
                UemTokenUrl = $"http://{host}/simulator/connect/token",
                UemRegionId = region.Id,
                OrganizationGroupId = SimulatorDemo.GroupId,
                OAuthClientId = clientId,
                CreatedUtc = now,
                CreatedBy = "bench",
                UpdatedUtc = now,
                UpdatedBy = "bench",
            };
            db.Add(tenant);
            created.Add((tenant, clientId, secret));
        }

        await db.SaveChangesAsync(ct);
        foreach (var (tenant, _, secret) in created)
        {
            db.Add(secrets.Protect(tenant.Id, TenantSecretKind.UemClientSecret, secret, "bench", now));
            db.Add(secrets.Protect(tenant.Id, TenantSecretKind.UemApiKey, SimulatorDemo.ApiKey, "bench", now));
        }

        await db.SaveChangesAsync(ct);
        var ids = created.Select(c => c.Tenant.Id).ToList();
        return (ids.Take(count).ToList(), ids.Skip(count).Take(sample).ToList(),
            [.. created.Skip(count + sample).Select(c => new Faulty(c.Tenant.Id, c.ClientId))]);
    }

    /// <summary>
    /// A simulated UEM customer of its own for each portal tenant, as in production: its organisation group lists its
    /// own OAuth client and API key. (All clients in the one demo group made every check's API-key listing grow with
    /// the number of tenants: 1,000 clients serialised, hashed and parsed per check, 10,000 at scale.)
    /// </summary>
    private static (string ClientId, string ClientSecret) AddSimulatedCustomer(SimulatorState simulator, string hostKey, SimRole role)
    {
        var clientId = Guid.NewGuid().ToString();
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var og = SimulatorDemo.OrganizationGroupUuid;
        var customer = new SimTenant(hostKey, SimulatorDemo.TenantRegion, $"Customer {hostKey}");
        customer.OrganizationGroups.Add(new(SimulatorDemo.OrganizationGroupId, og, $"Customer {hostKey}", SimulatorDemo.GroupId, SimOrganizationGroupType.Customer, null));
        customer.Roles[role.Name] = role;
        customer.Clients.Add(new SimOAuthClient(clientId, secret, "Connector Portal", "sweep benchmark", og, role.Name));
        customer.ApiKeys.Add(new(1, Guid.NewGuid(), "Automation", SimulatorDemo.ApiKey, og));
        customer.Devices.Add(new(10001, Guid.NewGuid(), "C02BENCH0001", "Bench laptop", "WinRT", "Surface Laptop 5", "bench", SimulatorDemo.OrganizationGroupId, "Compliant", "Pass", DateTimeOffset.UtcNow));
        simulator.AddTenant(customer);
        return (clientId, secret);
    }

    /// <summary>The portal on Kestrel, listening on 8 loopback addresses (one simulated UEM host each).</summary>
    internal sealed class SweepPortal : WebApplicationFactory<Program>
    {
        private readonly string _folder;

        private readonly int _tenantTimeoutSeconds;

        public SweepPortal(string folder, int port, int tenantTimeoutSeconds)
        {
            _folder = folder;
            _tenantTimeoutSeconds = tenantTimeoutSeconds;
            Port = port;
            UseKestrel(options =>
            {
                for (var h = 1; h <= Hosts; h++)
                {
                    options.Listen(IPAddress.Parse($"127.0.0.{h}"), port);
                }
            });
        }

        public int Port { get; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Benchmark");
            builder.UseContentRoot(AppContext.BaseDirectory);
            builder.UseSetting("urls", $"http://127.0.0.1:{Port}");
            builder.UseSetting("Demo:Enabled", "true");
            builder.UseSetting("Egress:AllowedNetworks:0", "127.0.0.0/8"); // tenants spread over 127.0.0.1-8, beyond the demo's own address
            builder.UseSetting("Database:Path", Path.Combine(_folder, "portal.db"));
            builder.UseSetting("DataProtection:KeysPath", Path.Combine(_folder, "keys"));
            builder.UseSetting("Bootstrap:AdminPassword", BenchPortal.AdminPassword);
            builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
            builder.UseSetting("Serilog:WriteTo:1:Args:path", Path.Combine(_folder, "logs", "portal-.log"));
            builder.UseSetting("Audit:AnchorFile", Path.Combine(_folder, "logs", "audit-anchors.jsonl"));
            builder.UseSetting("Status:SweepEnabled", "false");
            builder.UseSetting("Status:TenantTimeoutSeconds", _tenantTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
        }
    }
}
