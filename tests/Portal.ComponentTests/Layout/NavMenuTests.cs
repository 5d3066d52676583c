using Portal.Components.Layout;
using Portal.Features.Users;

namespace Portal.ComponentTests.Layout;

public sealed class NavMenuTests : PortalComponentTest
{
    /// <summary>The nav items each role must see; every other item must be hidden.</summary>
    public static TheoryData<string, string[]> ExpectedItems() => new()
    {
        { Roles.Admin, ["Home", "Tenants", "Setup", "Status", "Audit", "Regions", "Admin"] },
        { Roles.Helpdesk, ["Home", "Tenants", "Setup", "Status", "Audit", "Regions"] },
        { Roles.TeamLead, ["Home", "Tenants", "Setup", "Status", "Audit", "Regions"] },
        { Roles.Auditor, ["Home", "Tenants", "Setup", "Status", "Audit", "Regions"] },
    };

    [Theory]
    [MemberData(nameof(ExpectedItems))]
    public void NavMenu_ForRole_ShowsOnlyThatRolesItems(string role, string[] expected)
    {
        AddAuthorization().SetAuthorized("someone").SetRoles(role);

        var menu = Render<NavMenu>();

        var shown = menu.FindAll(".mud-nav-link-text").Select(e => e.TextContent.Trim()).ToArray();
        shown.ShouldBe(expected, ignoreOrder: true);
    }
}
