using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Simulator;

namespace Portal.Features.Setup.Demo;

/// <summary>
/// Stands in for the UEM console on simulated tenants: creates an OAuth client the way the console does
/// (secret shown once) and tells the demo REST API key and test device. Refused for any real region.
/// </summary>
public sealed class SimulatorConsole(IServiceProvider services, TenantService tenants, RegionService regions, CurrentUser currentUser)
{
    public const string TestDeviceSerial = "C02DEMO0002";

    public static IReadOnlyList<string> Roles => [SimulatorDemo.FullRole, SimulatorDemo.ReadOnlyRole];

    public bool IsSimulatorMounted => services.GetService(typeof(SimulatorState)) is not null;

    public async Task<bool> IsAvailableForAsync(int tenantId, CancellationToken ct = default)
    {
        if (services.GetService(typeof(SimulatorState)) is null)
        {
            return false;
        }

        var details = await tenants.GetAsync(tenantId, ct);
        if (details?.Model.UemRegionId is not { } regionId)
        {
            return false;
        }

        return (await regions.GetAsync(regionId, ct))?.Kind == RegionKind.Simulated;
    }

    /// <summary>Like "Save" on UEM's OAuth Client Management page: returns the Client ID and the Secret once.</summary>
    public async Task<(string ClientId, string ClientSecret)?> CreateOAuthClientAsync(int tenantId, string name, string roleName, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Users.Roles.Helpdesk, Users.Roles.Admin);
        if (!await IsAvailableForAsync(tenantId, ct) || services.GetService(typeof(SimulatorState)) is not SimulatorState state)
        {
            return null;
        }

        return state.CreateClient(SimulatorDemo.TenantHostKey, name, "Created from the portal's simulator console", SimulatorDemo.OrganizationGroupUuid,
            Roles.Contains(roleName) ? roleName : SimulatorDemo.FullRole);
    }

    public static string DemoApiKey => SimulatorDemo.ApiKey;
}

public enum SimulatorConsoleMode
{
    OAuthClient,
    ApiKey,
    TestDevice,
}
