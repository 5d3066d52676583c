using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Setup.Demo;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;
using Serilog.Core;
using Serilog.Events;

namespace Portal.IntegrationTests.Integrations;

/// <summary>A portal whose Serilog events are also kept in memory (Serilog reads extra sinks from the container).</summary>
public class LogCapturingPortal : PortalAppFactory
{
    public CapturedLogSink Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }
}

/// <summary>The portal as shipped (<c>Demo:Enabled=false</c>): no simulator, no Simulated region, no demo tenant.</summary>
public sealed class DemoOffPortal : LogCapturingPortal
{
    public DemoOffPortal() => WithSetting("Demo:Enabled", "false");
}

/// <summary>Demo mode on (the factory default) in the factory's "Testing" environment.</summary>
public sealed class DemoOnOutsideDevelopmentPortal : LogCapturingPortal;

public sealed class CapturedLogSink : ILogEventSink
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogEventLevel Level, string Message)> _events = new();

    public IReadOnlyList<(LogEventLevel Level, string Message)> Events => [.. _events];

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        _events.Enqueue((logEvent.Level, logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }
}

public sealed class DemoModeOffTests(DemoOffPortal portal) : IClassFixture<DemoOffPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One route of each group SimulatorEndpoints maps: UEM token service, UEM REST (root and per tenant), Intelligence, operator.</summary>
    public static TheoryData<string, string> SimulatorRoutes() => new()
    {
        { "POST", "/simulator/connect/token" },
        { "POST", "/simulator/regions/na/connect/token" },
        { "GET", "/simulator/API/system/info" },
        { "GET", $"/simulator/tenants/{SimulatorDemo.TenantHostKey}/API/mdm/devices/search" },
        { "POST", "/simulator/oauth/token" },
        { "POST", "/simulator/v2/reports/search" },
        { "GET", "/simulator/_operator/requests" },
        { "GET", "/simulator/_operator/tenants" },
        { "POST", "/simulator/_operator/reset" },
        { "POST", "/simulator/_operator/faults" },
    };

    [Theory]
    [MemberData(nameof(SimulatorRoutes))]
    public async Task SimulatorRoute_Anonymous_404(string method, string path)
    {
        using var client = portal.CreatePortalClient();

        using var response = await SendAsync(client.Http, method, path);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(SimulatorRoutes))]
    public async Task SimulatorRoute_Admin_404(string method, string path)
    {
        using var client = portal.CreatePortalClient();
        (await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var response = await SendAsync(client.Http, method, path);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Services_DemoOff_NoSimulatorState() => portal.Services.GetService<SimulatorState>().ShouldBeNull();

    [Fact]
    public async Task Regions_DemoOff_SimulatedRegionNotSeeded()
    {
        await using var db = await DbAsync();

        var seeded = await db.Set<Region>().Where(r => r.Kind == RegionKind.Simulated && r.UpdatedBy != LeftoverMarker).CountAsync(Ct);

        seeded.ShouldBe(0);
    }

    [Fact]
    public async Task Regions_SimulatedRowLeftFromEarlierDemoUse_NotListed()
    {
        var leftover = await AddLeftoverSimulatedRegionAsync();
        await using var scope = portal.Services.ScopeFor("ada", Roles.Admin);

        var listed = await scope.ServiceProvider.GetRequiredService<RegionService>().ListAsync(ct: Ct);
        var byId = await scope.ServiceProvider.GetRequiredService<RegionService>().GetAsync(leftover, Ct);

        listed.ShouldNotBeEmpty();
        listed.ShouldNotContain(r => r.Kind == RegionKind.Simulated);
        byId.ShouldBeNull();
    }

    [Fact]
    public async Task Tenants_DemoOff_NoDemoTenant()
    {
        await using var db = await DbAsync();

        var normalizedDemoName = DemoTenantSeeder.DemoTenantName.ToUpperInvariant();
        var demoTenants = await db.Set<Tenant>().Where(t => t.NormalizedName == normalizedDemoName).CountAsync(Ct);

        demoTenants.ShouldBe(0);
    }

    [Fact]
    public async Task SaveTenant_OnASimulatedRegionLeftFromEarlierDemoUse_RefusedOnTheUemRegionField()
    {
        // A database once run in demo mode still holds the Simulated region row; demo mode off must not offer it.
        var simulatedRegionId = await AddLeftoverSimulatedRegionAsync();
        await using var scope = portal.Services.ScopeFor("ada", Roles.Admin);
        var model = new TenantEditModel
        {
            DisplayName = "Leftover demo tenant",
            UemConsoleUrl = "http://localhost:5080/simulator",
            UemApiUrl = "http://localhost:5080/simulator/tenants/demo",
            UemRegionId = simulatedRegionId,
            OAuthClientId = SimulatorDemo.ClientId,
        };

        var result = await scope.ServiceProvider.GetRequiredService<TenantService>().CreateAsync(model, Ct);

        result.Status.ShouldBe(TenantSaveStatus.Invalid);
        result.Errors.Keys.ShouldContain(nameof(TenantEditModel.UemRegionId));
        result.Errors[nameof(TenantEditModel.UemRegionId)].ShouldContain(m => m.Contains("UEM region", StringComparison.Ordinal));
    }

    [Fact]
    public void StartUpLog_DemoOff_NoDemoModeWarning()
    {
        portal.Logs.Events.ShouldNotBeEmpty(); // the capture works: start-up logged something
        portal.Logs.Events.ShouldNotContain(e => e.Message.Contains("Demo mode", StringComparison.Ordinal));
    }

    private async Task<int> AddLeftoverSimulatedRegionAsync()
    {
        await using var db = await DbAsync();
        var existing = await db.Set<Region>().FirstOrDefaultAsync(r => r.Product == RegionProduct.Uem && r.Kind == RegionKind.Simulated, Ct);
        if (existing is not null)
        {
            return existing.Id; // another test of this class added it
        }

        var seed = RegionSeedData.All.First(r => r.Product == RegionProduct.Uem && r.Kind == RegionKind.Simulated);
        var region = new Region
        {
            Product = seed.Product, Code = seed.Code, DisplayName = seed.DisplayName, Kind = seed.Kind, TokenUrl = seed.TokenUrl,
            ApiBaseUrl = seed.ApiBaseUrl, Location = seed.Location, SeedVersion = seed.SeedVersion, UpdatedUtc = DateTime.UtcNow, UpdatedBy = LeftoverMarker,
            Version = Guid.NewGuid(),
        };
        db.Add(region);
        await db.SaveChangesAsync(Ct);
        portal.Services.GetRequiredService<RegionCache>().Invalidate(); // so the next read sees the row
        return region.Id;
    }

    private const string LeftoverMarker = "test:leftover-from-demo-mode";

    private async Task<PortalDbContext> DbAsync() =>
        await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]);
        }

        return http.SendAsync(request, Ct);
    }
}

/// <summary>Demo mode on outside Development warns at start-up.</summary>
public sealed class DemoModeWarningTests(DemoOnOutsideDevelopmentPortal portal) : IClassFixture<DemoOnOutsideDevelopmentPortal>
{
    [Fact]
    public void StartUpLog_DemoOnInTestingEnvironment_WarnsToTurnItOff()
    {
        var warning = portal.Logs.Events.Where(e => e.Message.StartsWith("Demo mode is on", StringComparison.Ordinal)).ShouldHaveSingleItem();

        warning.Level.ShouldBe(LogEventLevel.Warning);
        warning.Message.ShouldContain("\"Testing\" environment", Case.Sensitive);
        warning.Message.ShouldContain("Set Demo:Enabled=false", Case.Sensitive);
    }
}
