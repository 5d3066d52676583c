using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Tenants;

/// <summary>The tenant pages over the real services and an in-memory SQLite database.</summary>
public sealed class TenantPagesTests : PortalComponentTest
{
    public TenantPagesTests()
    {
        UsePortalDatabase();
        Services.AddTenantsFeature();
    }

    private async Task<int> SeedTenantAsync()
    {
        await SeedRegionsAsync();
        await using var db = await CreateDbAsync();
        var na = await db.Set<Region>().SingleAsync(r => r.Product == RegionProduct.Uem && r.Code == "na");
        var tenant = new Tenant
        {
            DisplayName = "Contoso", NormalizedName = "CONTOSO", UemConsoleUrl = "https://cn1.awmdm.com", UemApiUrl = "https://as1.awmdm.com",
            UemRegionId = na.Id, UemTokenUrl = na.TokenUrl, CreatedBy = "helen", UpdatedBy = "helen",
            CreatedUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow, Tags = [new TenantTag { Name = "retail" }],
        };
        db.Add(tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    }

    [Fact]
    public async Task TenantEditPage_Auditor_ShowsReadOnlyFormWithoutSave()
    {
        SignIn("audrey", Roles.Auditor);
        var id = await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantEditPage>(p => p.Add(page => page.Id, id));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Only Helpdesk and Admin users can change it"));
        cut.Markup.ShouldNotContain("Save changes");
        cut.Markup.ShouldNotContain("Archive tenant");
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Display name").Instance.ReadOnly.ShouldBeTrue();
    }

    [Fact]
    public async Task TenantEditPage_Helpdesk_CanEditAndArchive()
    {
        SignIn("helen", Roles.Helpdesk);
        var id = await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantEditPage>(p => p.Add(page => page.Id, id));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Save changes"));
        cut.Markup.ShouldContain("Archive tenant");
        Services.GetRequiredService<CurrentTenantState>().Current.ShouldBe(new TenantRef(id, "Contoso"));
    }

    [Fact]
    public async Task TenantEditPage_ApiHostChanged_WarnsBeforeSavingThatTheStoredSecretsGo()
    {
        SignIn("helen", Roles.Helpdesk);
        var id = await SeedTenantAsync();
        await using (var db = await CreateDbAsync())
        {
            db.Add(new TenantSecret { TenantId = id, Kind = TenantSecretKind.UemClientSecret, ProtectedValue = "not-decryptable-here", Fingerprint = "hmac:0123456789abcdef", SetBy = "helen", SecretSetUtc = DateTime.UtcNow });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        Render<MudPopoverProvider>();
        var cut = Render<TenantEditPage>(p => p.Add(page => page.Id, id));
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Save changes"));
        cut.FindAll("[data-testid=secrets-released-warning]").ShouldBeEmpty();

        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "UEM REST API URL").Find("input").Change("https://as9999.awmdm.com");

        cut.WaitForAssertion(() => cut.Find("[data-testid=secrets-released-warning]").TextContent.ShouldContain("OAuth client secret"));
        cut.Find("[data-testid=secrets-released-warning]").TextContent.ShouldNotContain("UEM REST API key"); // none is stored
    }

    [Fact]
    public async Task TenantEditPage_UnknownId_ShowsNotFound()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedTenantAsync();

        var cut = Render<TenantEditPage>(p => p.Add(page => page.Id, 999));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("does not exist or is outside your tenant scope"));
    }

    [Fact]
    public async Task TenantsPage_ListsTenantsWithTagChips()
    {
        SignIn("lee", Roles.TeamLead);
        await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantsPage>();

        cut.WaitForAssertion(() => cut.Find("a[href='/tenants/1']").TextContent.ShouldBe("Contoso"));
        cut.Markup.ShouldContain("retail");
        cut.Markup.ShouldNotContain("New tenant"); // TeamLead reads only
    }

    [Fact]
    public async Task TenantsPage_Editor_SelectsRowsWithLabelledCheckboxes_AndSeesTheBulkActions()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantsPage>();

        cut.WaitForAssertion(() => cut.Find("input[type=checkbox][aria-label='Select Contoso']"));
        cut.FindAll("[aria-label='Bulk actions']").ShouldBeEmpty();
        cut.Find("input[type=checkbox][aria-label='Select all tenants on this page']").Change(true);

        cut.WaitForAssertion(() => cut.Find("[aria-label='Bulk actions']").TextContent.ShouldContain("1 selected"));
        cut.Find("input[type=checkbox][aria-label='Select Contoso']").HasAttribute("checked").ShouldBeTrue();
        foreach (var action in new[] { "Add tag", "Remove tag", "Archive", "Start set-up", "Check now" })
        {
            cut.FindAll("[aria-label='Bulk actions'] button").ShouldContain(b => b.TextContent.Contains(action, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TenantsPage_TeamLead_HasNoSelectionColumn()
    {
        SignIn("lee", Roles.TeamLead);
        await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantsPage>();

        cut.WaitForAssertion(() => cut.Find("a[href='/tenants/1']"));
        cut.FindAll("input[type=checkbox]").ShouldBeEmpty();
    }
}
