namespace Portal.Simulator;

/// <summary>Deterministic demo data: tests and the portal's demo mode use these values.</summary>
public static class SimulatorDemo
{
    public const string TenantHostKey = "demo";
    public const string TenantRegion = "na";
    public const string ClientId = "6c1f2a4e-0d6b-4d8e-9a51-2f4c7b3e9d10";
    public const string ClientSecret = "demo-secret-5E8B1C7A9F";
    public const string ReadOnlyClientId = "7d2e3b5f-1e7c-4e9f-8b62-3a5d8c4f0e21";
    public const string ReadOnlyClientSecret = "demo-readonly-secret-2B7D";
    public const string DisabledClientId = "8e3f4c60-2f8d-4fa0-9c73-4b6e9d5a1f32";
    public const string DisabledClientSecret = "demo-disabled-secret-9C1E";
    public const string ApiKey = "DEMOKEY1A2B3C4D5E6F7G8H9I0J";
    public const string GroupId = "DEMO";
    public const string ChildGroupId = "DEMO-SALES";
    public static readonly Guid OrganizationGroupUuid = new("3d5b8c1e-6a2f-4b7d-9e0c-1f2a3b4c5d6e");
    public static readonly Guid ChildOrganizationGroupUuid = new("4e6c9d2f-7b30-4c8e-8f1d-2a3b4c5d6e7f");
    public const int OrganizationGroupId = 570;
    public const int ChildOrganizationGroupId = 571;
    public const string FullRole = "Portal Integration";
    public const string ReadOnlyRole = "Console Read Only";

    /// <summary>Device whose antivirus is not running: the automation target.</summary>
    public const int AntivirusOffDeviceId = 10002;

    /// <summary>A second tenant in another region (emea) for wrong-region scenarios.</summary>
    public const string EmeaTenantHostKey = "emea-demo";
    public const string EmeaRegion = "emea";
    public const string EmeaClientId = "9f405d71-3a9e-4ab1-8d84-5c7fae6b2a43";
    public const string EmeaClientSecret = "emea-secret-4D2F";
    public const string EmeaGroupId = "EMEADEMO";
    public static readonly Guid EmeaOrganizationGroupUuid = new("5f7d0e3a-8c41-4d9f-9a2e-3b4c5d6e7f80");

    public const string IntelligenceClientId = "portal-demo@00000000-0000-4000-8000-0000000000aa.data.workspaceone.com";
    public const string IntelligenceClientSecret = "intel-demo-secret-7A3C";
    public static readonly Guid IntelligenceOrgId = new("00000000-0000-4000-8000-0000000000aa");

    /// <summary>Permissions the simulator checks (names follow UEM's REST API permission labels).</summary>
    public const string PermissionGroupsRead = "REST API Groups Read";
    public const string PermissionDevicesRead = "REST API Devices Read";
    public const string PermissionDevicesAdvanced = "REST API Devices Advanced";
    public const string PermissionApiKeysRead = "REST API Keys Read";

    internal static void Seed(SimulatorState state)
    {
        var seenAt = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var demo = new SimTenant(TenantHostKey, TenantRegion, "Demo Corp");
        demo.OrganizationGroups.Add(new(OrganizationGroupId, OrganizationGroupUuid, "Demo Corp", GroupId, SimOrganizationGroupType.Customer, null));
        demo.OrganizationGroups.Add(new(ChildOrganizationGroupId, ChildOrganizationGroupUuid, "Demo Sales", ChildGroupId, SimOrganizationGroupType.Container, OrganizationGroupId));
        demo.Roles[FullRole] = new(FullRole, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { PermissionGroupsRead, PermissionDevicesRead, PermissionDevicesAdvanced, PermissionApiKeysRead });
        demo.Roles[ReadOnlyRole] = new(ReadOnlyRole, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { PermissionDevicesRead });
        demo.Clients.Add(new(ClientId, ClientSecret, "Connector Portal", "Portal integration client", OrganizationGroupUuid, FullRole));
        demo.Clients.Add(new(ReadOnlyClientId, ReadOnlyClientSecret, "Read-only client", "Lacks group permissions", OrganizationGroupUuid, ReadOnlyRole));
        demo.Clients.Add(new(DisabledClientId, DisabledClientSecret, "Old client", "Disabled in the console", OrganizationGroupUuid, FullRole) { Enabled = false });
        demo.ApiKeys.Add(new(1, new Guid("a1b2c3d4-0000-4000-8000-000000000001"), "Automation", ApiKey, OrganizationGroupUuid));
        demo.Devices.Add(new(10001, new Guid("d0000001-0000-4000-8000-000000000001"), "C02DEMO0001", "Alice's laptop", "WinRT", "Surface Laptop 5", "alice", OrganizationGroupId, "Compliant", "Pass", seenAt));
        demo.Devices.Add(new(AntivirusOffDeviceId, new Guid("d0000002-0000-4000-8000-000000000002"), "C02DEMO0002", "Bob's laptop", "WinRT", "Latitude 7440", "bob", OrganizationGroupId, "NonCompliant", "NotRunning", seenAt));
        demo.Devices.Add(new(10003, new Guid("d0000003-0000-4000-8000-000000000003"), "C02DEMO0003", "Carol's MacBook", "AppleOsX", "MacBook Pro", "carol", ChildOrganizationGroupId, "Compliant", "Pass", seenAt));
        demo.Devices.Add(new(10004, new Guid("d0000004-0000-4000-8000-000000000004"), "C02DEMO0004", "Dan's desktop", "WinRT", "OptiPlex 7010", "dan", ChildOrganizationGroupId, "NonCompliant", "NotRunning", seenAt));
        // An old Lock sent from the console by an administrator: step 6 must not take it for the automation's.
        demo.EventLog.Add(new(AntivirusOffDeviceId, seenAt, "Information", "Console", SimulatorState.DeviceEventName("Lock"), "sysadmin"));
        state.AddTenant(demo);

        var emea = new SimTenant(EmeaTenantHostKey, EmeaRegion, "Demo Europe");
        emea.OrganizationGroups.Add(new(880, EmeaOrganizationGroupUuid, "Demo Europe", EmeaGroupId, SimOrganizationGroupType.Customer, null));
        emea.Roles[FullRole] = demo.Roles[FullRole];
        emea.Clients.Add(new(EmeaClientId, EmeaClientSecret, "Connector Portal EU", "Portal integration client", EmeaOrganizationGroupUuid, FullRole));
        emea.ApiKeys.Add(new(2, new Guid("a1b2c3d4-0000-4000-8000-000000000002"), "Automation", "EMEAKEY9Z8Y7X6W5V4U3", EmeaOrganizationGroupUuid));
        emea.Devices.Add(new(20001, new Guid("d0000005-0000-4000-8000-000000000005"), "C02EMEA0001", "Eve's laptop", "WinRT", "ThinkPad X1", "eve", 880, "Compliant", "Pass", seenAt));
        state.AddTenant(emea);

        state.AddIntelligenceAccount(new(IntelligenceClientId, IntelligenceClientSecret, "na1", IntelligenceOrgId));
    }
}
