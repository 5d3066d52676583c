using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Home;
using Portal.Features.Regions;
using Portal.Features.Setup;
using Portal.Features.Setup.Demo;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Home;

/// <summary>
/// The real home and setup services over an in-memory SQLite database, seeded with tenants in every state:
/// Contoso (retail) mid set-up and failing, with an old secret and no review; Fabrikam (wholesale) needing
/// re-authorisation, recently reviewed; Northwind (wholesale) set up and connected; the demo tenant (demo).
/// </summary>
public abstract class AttentionTestBase : PortalComponentTest
{
    protected AttentionTestBase()
    {
        UsePortalDatabase(demoMode: false);
        Services.AddTenantsFeature();
        Services.AddSetupFeature();
        Services.AddStatusFeature();
        Services.AddHomeFeature();
    }

    protected static DateTime Now { get; } = DateTime.UtcNow;

    protected IReadOnlyDictionary<string, int> TenantIds { get; private set; } = new Dictionary<string, int>();

    protected void EnableDemoMode() => WithSetting("Demo:Enabled", "true");

    /// <summary>Limits <paramref name="userName"/> (signed in with id "id-" + name) to tenants tagged <paramref name="tag"/>.</summary>
    protected async Task ScopeUserAsync(string userName, string tag)
    {
        await using var db = await CreateDbAsync();
        db.Users.Add(new PortalUser { Id = "id-" + userName, UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = userName, CreatedUtc = Now });
        db.Add(new UserTenantScope { UserId = "id-" + userName, Tag = tag });
        await db.SaveChangesAsync();
    }

    protected async Task SeedAsync()
    {
        await SeedRegionsAsync();
        await using var db = await CreateDbAsync();
        var na = await db.Set<Region>().SingleAsync(r => r.Product == RegionProduct.Uem && r.Code == "na");
        Tenant Make(string name, string tag, int createdDaysAgo) => new()
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = "https://cn1.awmdm.com", UemApiUrl = "https://as1.awmdm.com",
            UemRegionId = na.Id, UemTokenUrl = na.TokenUrl, CreatedBy = "t", UpdatedBy = "t", CreatedUtc = Now.AddDays(-createdDaysAgo), UpdatedUtc = Now,
            Tags = [new TenantTag { Name = tag }],
        };
        var contoso = Make("Contoso", "retail", 300);
        var fabrikam = Make("Fabrikam", "wholesale", 300);
        var northwind = Make("Northwind", "wholesale", 10);
        var demo = Make(DemoTenantSeeder.DemoTenantName, "demo", 1);
        db.AddRange(contoso, fabrikam, northwind, demo);
        await db.SaveChangesAsync();
        TenantIds = new Dictionary<string, int> { ["Contoso"] = contoso.Id, ["Fabrikam"] = fabrikam.Id, ["Northwind"] = northwind.Id, ["Demo"] = demo.Id };

        // Contoso: initial set-up at step 3 (REST API key). Northwind: finished.
        var inProgress = SetupRun.Start(contoso.Id, SetupRunKind.InitialSetup, "helen", Now.AddHours(-3));
        inProgress.Complete(SetupStep.Plan, "helen", Now.AddHours(-3), "a", "{}");
        inProgress.Complete(SetupStep.CreateOAuthClient, "helen", Now.AddHours(-3), "b", "{}");
        var finished = SetupRun.Start(northwind.Id, SetupRunKind.InitialSetup, "helen", new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc));
        foreach (var step in SetupRun.StepsOf(SetupRunKind.InitialSetup))
        {
            finished.Complete(step, "helen", new DateTime(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc), step.ToString(), "{}");
        }

        db.AddRange(inProgress, finished);
        TenantSecret Secret(int tenantId, int setDaysAgo) => new()
        {
            TenantId = tenantId, Kind = TenantSecretKind.UemClientSecret, ProtectedValue = "not-decrypted-here", Fingerprint = "sha256:0123456789ab",
            SecretSetUtc = Now.AddDays(-setDaysAgo), SetBy = "helen",
        };
        db.AddRange(Secret(contoso.Id, 200), Secret(fabrikam.Id, 20), Secret(northwind.Id, 5));
        db.AddRange(
            new TenantStatusSnapshot { TenantId = contoso.Id, Status = ConnectionStatus.Failing, StatusSinceUtc = Now.AddHours(-2), LastCheckedUtc = Now, Diagnosis = "Role lacks permission" },
            new TenantStatusSnapshot { TenantId = fabrikam.Id, Status = ConnectionStatus.NeedsReauthorisation, StatusSinceUtc = Now.AddDays(-1), LastCheckedUtc = Now, LastAttestedUtc = Now.AddDays(-3), LastAttestedBy = "lena" },
            new TenantStatusSnapshot { TenantId = northwind.Id, Status = ConnectionStatus.Connected, StatusSinceUtc = Now.AddDays(-1), LastCheckedUtc = Now });
        await db.SaveChangesAsync();
    }
}
