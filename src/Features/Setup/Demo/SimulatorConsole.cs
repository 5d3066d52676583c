using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Simulator;

namespace Portal.Features.Setup.Demo;

/// <summary>
/// Stands in for the UEM console on simulated tenants: creates an OAuth client the way the console does (secret shown
/// once) and tells the demo REST API key and test device. Registered in demo mode only (<see cref="NoSimulatorConsole"/>
/// otherwise); refused for any real region.
/// </summary>
public interface ISimulatorConsole
{
    bool IsSimulatorMounted { get; }

    /// <summary>Like "Save" on UEM's OAuth Client Management page: returns the Client ID and the Secret once.</summary>
    Task<(string ClientId, string ClientSecret)?> CreateOAuthClientAsync(int tenantId, string name, string roleName, CancellationToken ct = default);
}

public sealed class SimulatorConsole(SimulatorState state, IDbContextFactory<PortalDbContext> dbFactory, TenantScope scope, CurrentUser currentUser) : ISimulatorConsole
{
    public const string TestDeviceSerial = "C02DEMO0002";

    public static IReadOnlyList<string> Roles => [SimulatorDemo.FullRole, SimulatorDemo.ReadOnlyRole];

    public static string DemoApiKey => SimulatorDemo.ApiKey;

    public bool IsSimulatorMounted => true;

    public async Task<(string ClientId, string ClientSecret)?> CreateOAuthClientAsync(int tenantId, string name, string roleName, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Users.Roles.Helpdesk, Users.Roles.Admin);
        if (!await IsSimulatedTenantAsync(tenantId, ct))
        {
            return null;
        }

        return state.CreateClient(SimulatorDemo.TenantHostKey, name, "Created from the portal's simulator console", SimulatorDemo.OrganizationGroupUuid,
            Roles.Contains(roleName) ? roleName : SimulatorDemo.FullRole);
    }

    private async Task<bool> IsSimulatedTenantAsync(int tenantId, CancellationToken ct)
    {
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await filter.Apply(db.Set<Tenant>().AsNoTracking()).AnyAsync(t => t.Id == tenantId && t.UemRegion!.Kind == RegionKind.Simulated, ct);
    }
}

/// <summary>Outside demo mode: no simulator, no console.</summary>
public sealed class NoSimulatorConsole : ISimulatorConsole
{
    public bool IsSimulatorMounted => false;

    public Task<(string ClientId, string ClientSecret)?> CreateOAuthClientAsync(int tenantId, string name, string roleName, CancellationToken ct = default) =>
        Task.FromResult<(string, string)?>(null);
}

/// <summary>The simulator confirms it recorded a device command the wizard sent to a simulated tenant.</summary>
public sealed class SimulatorCommandWitness(SimulatorState state) : IDeviceCommandWitness
{
    public VerificationLine? Witness(Integrations.Uem.UemConnection connection, long deviceId, string command)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.RestApiUrl.AbsolutePath.Contains("/simulator", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var recorded = state.Commands(SimulatorDemo.TenantHostKey).Any(c => c.DeviceId == deviceId && c.Command == command);
        return new("Simulator command log", recorded, recorded ? $"The simulator recorded the {command} command for this device." : "The simulator did not record the command.");
    }
}

public enum SimulatorConsoleMode
{
    OAuthClient,
    ApiKey,
    TestDevice,
}
