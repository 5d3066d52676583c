using Portal.Components.Layout;
using Portal.Features.Users;

namespace Portal.ComponentTests.Layout;

public sealed class NavMenuTests : PortalComponentTest
{
    /// <summary>The nav items each role must see; every other item must be hidden.</summary>
    public static TheoryData<string, string[]> ExpectedItems() => new()
    {
        { Roles.Admin, ["Home", "Audit", "Admin"] },
        { Roles.Helpdesk, ["Home", "Audit"] },
        { Roles.TeamLead, ["Home", "Audit"] },
        { Roles.Auditor, ["Home", "Audit"] },
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
