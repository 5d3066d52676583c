using MudBlazor;
using Portal.ComponentTests.Features.Home;
using Portal.Features.Setup;
using Portal.Features.Setup.Demo;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Setup;

/// <summary>The Setup page's tenant list over the real overview query and tenant scope.</summary>
public sealed class SetupIndexPageTests : AttentionTestBase
{
    private static string[] Rows(IRenderedComponent<SetupIndexPage> cut) =>
        cut.FindAll("[data-testid=setup-list] tbody tr").Where(r => r.QuerySelector("[data-testid=setup-tenant-link]") is not null)
            .Select(r => $"{r.QuerySelector("[data-testid=setup-tenant-link]")!.TextContent} | {r.QuerySelector("[data-testid=setup-state]")!.TextContent.Trim()}").ToArray();

    private IRenderedComponent<SetupIndexPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<SetupIndexPage>();
    }

    [Fact]
    public async Task Helpdesk_ListsTenantsWithTheirSetupState_UnfinishedFirst_EachLinkingToItsRunbook()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();

        var cut = RenderPage();

        cut.WaitForAssertion(() => Rows(cut).ShouldBe([
            "Contoso | Step 3 of 7: REST API key",
            $"{DemoTenantSeeder.DemoTenantName} | Not started",
            "Fabrikam | Not started",
            "Northwind | Done on 2026-11-02",
        ]));
        cut.FindAll("[data-testid=setup-tenant-link]").Select(a => a.GetAttribute("href"))
            .ShouldBe([$"/setup/{TenantIds["Contoso"]}", $"/setup/{TenantIds["Demo"]}", $"/setup/{TenantIds["Fabrikam"]}", $"/setup/{TenantIds["Northwind"]}"]);
        cut.Find("label[for=setup-search]").TextContent.ShouldBe("Search tenant or reference");
        cut.Markup.ShouldNotContain("Create a tenant first");
    }

    [Fact]
    public async Task Search_NarrowsTheListOnTheServer_AndSaysWhenNothingMatches()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();
        var cut = RenderPage();
        cut.WaitForAssertion(() => Rows(cut).Length.ShouldBe(4));

        cut.Find("#setup-search").Input("north");
        cut.WaitForAssertion(() => Rows(cut).ShouldBe(["Northwind | Done on 2026-11-02"]), TimeSpan.FromSeconds(5));

        cut.Find("#setup-search").Input("nobody");
        cut.WaitForAssertion(() => cut.Find("[data-testid=setup-empty]").TextContent.ShouldContain("No tenants match “nobody”"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ScopedUser_SeesOnlyTenantsWithTheirTag()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();
        await ScopeUserAsync("helen", "wholesale");

        var cut = RenderPage();

        cut.WaitForAssertion(() => Rows(cut).ShouldBe(["Fabrikam | Not started", "Northwind | Done on 2026-11-02"]));
        cut.Markup.ShouldNotContain("Contoso");
    }

    [Fact]
    public async Task NoTenants_Helpdesk_IsOfferedToCreateOne()
    {
        SignIn("helen", Roles.Helpdesk);
        await (await CreateDbAsync()).DisposeAsync();

        var cut = RenderPage();

        cut.WaitForAssertion(() => cut.Find("[data-testid=setup-empty] a").GetAttribute("href").ShouldBe("/tenants/new"));
        cut.Find("[data-testid=setup-empty]").TextContent.ShouldContain("No tenants yet");
    }

    [Fact]
    public async Task NoTenants_Auditor_IsNotOfferedToCreateOne()
    {
        SignIn("audrey", Roles.Auditor);
        await (await CreateDbAsync()).DisposeAsync();

        var cut = RenderPage();

        cut.WaitForAssertion(() => cut.Find("[data-testid=setup-empty]").TextContent.ShouldContain("No tenants to show"));
        cut.FindAll("[data-testid=setup-empty] a").ShouldBeEmpty();
    }
}
