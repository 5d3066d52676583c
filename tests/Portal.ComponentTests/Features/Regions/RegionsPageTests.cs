using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Features.Regions;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Regions;

public sealed class RegionsPageTests : PortalComponentTest
{
    public RegionsPageTests() => UsePortalDatabase();

    [Fact]
    public async Task RegionsPage_Helpdesk_ReadsSeededRegionsWithoutEditButtons()
    {
        AddAuthorization().SetAuthorized("helen").SetRoles(Roles.Helpdesk);
        await SeedRegionsAsync();

        var cut = Render<CascadingAuthenticationState>(p => p.AddChildContent<RegionsPage>());

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("https://emea.uemauth.workspaceone.com/connect/token"));
        cut.Markup.ShouldContain("https://api.eu2.data.workspaceone.com");
        cut.Markup.ShouldContain("http://localhost:5080/simulator/connect/token");
        cut.Markup.ShouldNotContain("Add custom region");
        cut.FindAll("button").Where(b => b.TextContent.Trim() == "Edit").ShouldBeEmpty();
    }

    [Fact]
    public async Task RegionsPage_AdminAddsCustomRegion_SeesExplicitWarning()
    {
        AddAuthorization().SetAuthorized("ada").SetRoles(Roles.Admin);
        await SeedRegionsAsync();
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();

        var cut = Render<CascadingAuthenticationState>(p => p.AddChildContent<RegionsPage>());
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Add custom region"));
        cut.FindAll("button").First(b => b.TextContent.Contains("Add custom region", StringComparison.Ordinal)).Click();

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("does not check its hosts against the Workspace ONE SaaS"));
    }

    [Fact]
    public async Task RegionDialog_TokenUrlWithTrailingSlash_RemovedWithAVisibleNote()
    {
        AddAuthorization().SetAuthorized("ada").SetRoles(Roles.Admin);
        await SeedRegionsAsync();
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var cut = Render<CascadingAuthenticationState>(p => p.AddChildContent<RegionsPage>());
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Add custom region"));
        cut.FindAll("button").First(b => b.TextContent.Contains("Add custom region", StringComparison.Ordinal)).Click();
        dialogs.WaitForAssertion(() => dialogs.FindComponents<MudTextField<string>>().ShouldContain(f => f.Instance.Label == "Token URL"));

        var field = dialogs.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Token URL");
        field.Find("input").Change("https://uem.example.com/connect/token/");

        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=url-note]").TextContent.ShouldBe("The trailing slash was removed: the portal adds the path itself."));
        field.Find("input").GetAttribute("value").ShouldBe("https://uem.example.com/connect/token");
    }
}
