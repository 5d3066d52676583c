using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Portal.Simulator;

/// <summary>Standalone entry point (<c>dotnet run --project src/Simulator</c>) and an in-process host for tests.</summary>
public static class SimulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://localhost:5090");
        }

        builder.Services.AddWorkspaceOneSimulator();
        var app = builder.Build();
        app.MapWorkspaceOneSimulator();
        await app.RunAsync();
        return 0;
    }

    /// <summary>Starts a simulator on a free loopback port; dispose the returned host to stop it.</summary>
    public static async Task<SimulatorInstance> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddWorkspaceOneSimulator(time);
        var app = builder.Build();
        app.MapWorkspaceOneSimulator();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorInstance(app, new Uri(address.TrimEnd('/') + "/"));
    }
}

/// <summary>A running in-process simulator.</summary>
public sealed class SimulatorInstance(WebApplication app, Uri baseUri) : IAsyncDisposable
{
    /// <summary>Root URL, ending with a slash (e.g. http://127.0.0.1:43123/).</summary>
    public Uri BaseUri { get; } = baseUri;

    public SimulatorState State { get; } = app.Services.GetRequiredService<SimulatorState>();

    /// <summary>UEM token URL of a simulated region.</summary>
    public Uri TokenUrl(string region) => new(BaseUri, $"regions/{region}/connect/token");

    /// <summary>REST API URL of a simulated tenant (the <c>/API</c> part is added by the client).</summary>
    public Uri RestApiUrl(string tenantHostKey) => new(BaseUri, $"tenants/{tenantHostKey}");

    public Uri IntelligenceTokenEndpoint => new(BaseUri, "oauth/token");

    public Uri IntelligenceApiUrl => BaseUri;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
