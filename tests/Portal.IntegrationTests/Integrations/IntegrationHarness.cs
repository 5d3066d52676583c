using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using Portal.Simulator;
using Portal.Tests.Shared;

namespace Portal.IntegrationTests.Integrations;

/// <summary>A real simulator on a loopback port plus the portal's integration services configured for fast tests.</summary>
public sealed class IntegrationHarness : IAsyncDisposable
{
    private IntegrationHarness(SimulatorInstance simulator, ServiceProvider services, CapturingLoggerProvider logs)
    {
        Simulator = simulator;
        Services = services;
        Logs = logs;
    }

    public SimulatorInstance Simulator { get; }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public SimulatorState State => Simulator.State;

    public UemApiClient Api => Services.GetRequiredService<UemApiClient>();

    public UemTokenProvider Tokens => Services.GetRequiredService<UemTokenProvider>();

    public UemConnectionVerifier Verifier => Services.GetRequiredService<UemConnectionVerifier>();

    public IntelligenceClient Intelligence => Services.GetRequiredService<IntelligenceClient>();

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
        // The standalone simulator listens on loopback, which the egress guard refuses unless a network is allowed.
        ["Egress:AllowedNetworks:0"] = "127.0.0.0/8",
    };

    public static async Task<IntegrationHarness> StartAsync(
        IReadOnlyDictionary<string, string?>? overrides = null,
        TimeProvider? clock = null,
        SimulatorInstance? simulator = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        simulator ??= await SimulatorProgram.StartAsync(clock, cancellationToken);
        var settings = new Dictionary<string, string?>(FastSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (clock is not null)
        {
            services.AddKeyedSingleton(IntegrationsServiceCollectionExtensions.TokenClockKey, clock);
        }

        configureServices?.Invoke(services);
        services.AddWorkspaceOneIntegrations();
        return new IntegrationHarness(simulator, services.BuildServiceProvider(validateScopes: true), logs);
    }

    /// <summary>The seeded demo tenant's connection.</summary>
    public UemConnection DemoConnection(ClientAuthStyle style = ClientAuthStyle.FormBody) => SimulatorConnections.DemoUem(Simulator.BaseUri, style);

    public IntelligenceConnection DemoIntelligence(string? secret = null) =>
        SimulatorConnections.DemoIntelligence(Simulator.BaseUri) is var demo && secret is not null ? demo with { ClientSecret = SecretString.Create(secret) } : SimulatorConnections.DemoIntelligence(Simulator.BaseUri);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Captures every formatted log line (and exception text) at every level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{structured}] {exception}");
        }
    }
}
