using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;
using Portal.Tests.Shared;

namespace Portal.IntegrationTests.Integrations;

/// <summary>
/// The real portal in demo mode, its integration services set for fast tests, talking to its own simulator at
/// /simulator over loopback HTTP. The status sweeper is off, so only the test's calls reach the simulator.
/// </summary>
public sealed class IntegrationsTestPortal : PortalAppFactory
{
    private readonly TimeProvider? _clock;
    private readonly Action<IServiceCollection>? _configureServices;

    private IntegrationsTestPortal(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock, Action<IServiceCollection>? configureServices)
    {
        _clock = clock;
        _configureServices = configureServices;
        WithSetting("Status:SweepEnabled", "false");
        // Every level of every category reaches the captured logs (HTTP headers are logged at Trace); the console and
        // log file keep their usual level.
        WithSetting("Serilog:MinimumLevel:Default", "Verbose");
        WithSetting("Serilog:MinimumLevel:Override:System.Net.Http.HttpClient", "Verbose");
        WithSetting("Serilog:WriteTo:0:Args:restrictedToMinimumLevel", "Information");
        WithSetting("Serilog:WriteTo:1:Args:restrictedToMinimumLevel", "Information");
        foreach (var (key, value) in settings)
        {
            WithSetting(key, value);
        }
    }

    /// <summary>Fast defaults: short timeouts and backoff; the breaker effectively off unless a test lowers it.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastSettings = new Dictionary<string, string?>
    {
        ["Integrations:Resilience:AttemptTimeoutSeconds"] = "3",
        ["Integrations:Resilience:TotalTimeoutSeconds"] = "10",
        ["Integrations:Resilience:MaxRetryAttempts"] = "2",
        ["Integrations:Resilience:RetryBaseDelayMilliseconds"] = "20",
        ["Integrations:Resilience:MaxRetryAfterSeconds"] = "3",
        ["Integrations:Resilience:BreakerMinimumThroughput"] = "1000",
        ["Integrations:Resilience:BreakerSamplingSeconds"] = "30",
        ["Integrations:Resilience:BreakerBreakSeconds"] = "30",
    };

    /// <summary>Lets calls reach loopback listeners other than the portal's own simulator (which demo mode allows).</summary>
    public static readonly KeyValuePair<string, string?> AllowLoopback = new("Egress:AllowedNetworks:0", "127.0.0.0/8");

    public CapturedLogs Logs { get; } = new();

    /// <summary>The portal's own simulator (http://127.0.0.1:port/simulator/).</summary>
    public SimulatorAddress Simulator => new(new Uri(BaseAddress, "simulator/"));

    public SimulatorState State => Services.GetRequiredService<SimulatorState>();

    public UemApiClient Api => Services.GetRequiredService<UemApiClient>();

    public UemTokenProvider Tokens => Services.GetRequiredService<UemTokenProvider>();

    public UemConnectionVerifier Verifier => Services.GetRequiredService<UemConnectionVerifier>();

    public IntelligenceClient Intelligence => Services.GetRequiredService<IntelligenceClient>();

    /// <param name="overrides">Settings on top of <see cref="FastSettings"/>.</param>
    /// <param name="clock">A fake clock for token expiry, in the portal's token cache and its simulator alike.</param>
    /// <param name="configureServices">Test services registered after the portal's own.</param>
    public static async Task<IntegrationsTestPortal> StartAsync(
        IReadOnlyDictionary<string, string?>? overrides = null,
        TimeProvider? clock = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = new Dictionary<string, string?>(FastSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var portal = new IntegrationsTestPortal(settings, clock, configureServices);
        try
        {
            await portal.InitializeAsync();
            return portal;
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
            services.AddSingleton<Serilog.Core.ILogEventSink>(Logs);
            if (_clock is not null)
            {
                services.AddKeyedSingleton(IntegrationsServiceCollectionExtensions.TokenClockKey, _clock);
                // Registered after the portal's own (TryAdd) registration, so the simulator issues and expires tokens on this clock.
                services.AddSingleton(new SimulatorState(_clock));
            }

            _configureServices?.Invoke(services);
        });
    }

    /// <summary>A client signed in as the portal's admin, based at the simulator: its operator API is for admins only.</summary>
    public async Task<PortalHttpClient> SimulatorOperatorAsync()
    {
        var client = new PortalHttpClient(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = Simulator.BaseUri,
        });
        using var signIn = await client.SignInAsync(AdminUserName, AdminPassword);
        signIn.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        return client;
    }

    /// <summary>The seeded demo tenant's connection.</summary>
    public UemConnection DemoConnection(ClientAuthStyle style = ClientAuthStyle.FormBody) => SimulatorConnections.DemoUem(Simulator.BaseUri, style);

    public IntelligenceConnection DemoIntelligence(string? secret = null) =>
        SimulatorConnections.DemoIntelligence(Simulator.BaseUri) is var demo && secret is not null ? demo with { ClientSecret = SecretString.Create(secret) } : SimulatorConnections.DemoIntelligence(Simulator.BaseUri);
}

/// <summary>URLs of a simulator mounted at <see cref="BaseUri"/>.</summary>
public sealed record SimulatorAddress(Uri BaseUri)
{
    /// <summary>UEM token URL of a simulated region.</summary>
    public Uri TokenUrl(string region) => new(BaseUri, $"regions/{region}/connect/token");

    /// <summary>REST API URL of a simulated tenant (the <c>/API</c> part is added by the client).</summary>
    public Uri RestApiUrl(string tenantHostKey) => new(BaseUri, $"tenants/{tenantHostKey}");

    public Uri IntelligenceTokenEndpoint => new(BaseUri, "oauth/token");

    public Uri IntelligenceApiUrl => BaseUri;
}
