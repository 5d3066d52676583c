using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.Tests.Shared;

/// <summary>
/// Connections to the seeded demo tenant of a Workspace ONE simulator (standalone, in-process, or mounted in the
/// portal at /simulator). Test support only, compiled into the integration tests and the benchmarks.
/// </summary>
internal static class SimulatorConnections
{
    /// <summary>UEM connection to the demo tenant. <paramref name="simulatorBase"/> is e.g. http://localhost:5080/simulator/.</summary>
    public static UemConnection DemoUem(Uri simulatorBase, ClientAuthStyle authStyle = ClientAuthStyle.FormBody)
    {
        var root = WithSlash(simulatorBase);
        return new UemConnection(
            new Uri(root, $"regions/{SimulatorDemo.TenantRegion}/connect/token"),
            new Uri(root, $"tenants/{SimulatorDemo.TenantHostKey}"),
            SimulatorDemo.ClientId,
            SecretString.Create(SimulatorDemo.ClientSecret),
            SecretString.Create(SimulatorDemo.ApiKey),
            SimulatorDemo.GroupId,
            SimulatorDemo.TenantRegion,
            authStyle);
    }

    /// <summary>Intelligence connection to the demo service account.</summary>
    public static IntelligenceConnection DemoIntelligence(Uri simulatorBase)
    {
        var root = WithSlash(simulatorBase);
        return new IntelligenceConnection(new Uri(root, "oauth/token"), root, SimulatorDemo.IntelligenceClientId, SecretString.Create(SimulatorDemo.IntelligenceClientSecret));
    }

    private static Uri WithSlash(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
