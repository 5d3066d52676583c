using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Status;

/// <summary>The board over the real services and an in-memory SQLite database seeded with stored checks.</summary>
public sealed class StatusBoardPageTests : PortalComponentTest
{
    public StatusBoardPageTests()
    {
        UsePortalDatabase();
        Services.AddTenantsFeature();
        Services.AddStatusFeature();
    }

    private async Task SeedAsync(int extraTenants = 0)
    {
        await SeedRegionsAsync();
        await using var db = await CreateDbAsync();
        var na = await db.Set<Region>().SingleAsync(r => r.Product == RegionProduct.Uem && r.Code == "na");
        var now = DateTime.UtcNow;
        Tenant Make(string name) => new()
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = "https://cn1.awmdm.com", UemApiUrl = "https://as1.awmdm.com",
            UemRegionId = na.Id, UemTokenUrl = na.TokenUrl, CreatedBy = "t", UpdatedBy = "t", CreatedUtc = now, UpdatedUtc = now,
        };
        var good = Make("Contoso");
        var bad = Make("Fabrikam");
        db.AddRange(good, bad);
        db.AddRange(Enumerable.Range(1, extraTenants).Select(i => Make($"Extra {i:00}")));
        await db.SaveChangesAsync();
        for (var i = 0; i < 5; i++)
        {
            db.Add(new CheckResult { TenantId = good.Id, Layer = ConnectionLayer.UemToken, Outcome = CheckOutcome.Passed, Diagnosis = "ok", CheckedUtc = now.AddMinutes(-15 * i) });
            db.Add(new CheckResult { TenantId = bad.Id, Layer = ConnectionLayer.UemApi, Outcome = i == 0 ? CheckOutcome.Failed : CheckOutcome.Passed, Diagnosis = i == 0 ? "Role lacks permission" : "ok", CheckedUtc = now.AddMinutes(-15 * i) });
        }

        db.Add(new TenantStatusSnapshot { TenantId = good.Id, Status = ConnectionStatus.Connected, StatusSinceUtc = now.AddHours(-2), LastCheckedUtc = now });
        db.Add(new TenantStatusSnapshot { TenantId = bad.Id, Status = ConnectionStatus.Failing, StatusSinceUtc = now, LastCheckedUtc = now, Diagnosis = "Role lacks permission", LastAttestedUtc = now.AddDays(-3), LastAttestedBy = "lena" });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Board_TeamLead_RendersWorstFirstRowsCellsSparklinesAndSummary()
    {
        SignIn("lena", Roles.TeamLead);
        await SeedAsync();
        Render<MudPopoverProvider>();

        var cut = Render<StatusBoardPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=tenant-link]").Count.ShouldBe(2));
        cut.FindAll("[data-testid=tenant-link]").Select(a => a.TextContent).ShouldBe(["Fabrikam", "Contoso"]);
        var rows = cut.FindAll("[data-testid=status-board] tbody tr");
        rows[0].TextContent.ShouldContain("Failing");
        rows[0].TextContent.ShouldContain("Failed");
        rows[0].TextContent.ShouldContain("3 days ago");
        rows[1].TextContent.ShouldContain("Connected");
        cut.FindAll("svg.status-sparkline polyline").Count.ShouldBe(2);
        cut.FindAll("svg.status-sparkline")[0].GetAttribute("aria-label").ShouldBe("Last 5 checks: 4 OK, 1 not OK");
        var summary = cut.Find("[data-testid=status-summary]").TextContent;
        summary.ShouldContain("Failing: 1");
        summary.ShouldContain("Connected: 1");
        summary.ShouldContain("Degraded: 0");
        cut.Markup.ShouldContain("Check this page now");

        // Selecting a row enables "Check selected" with the count.
        cut.Find("[data-testid=check-selected]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("input[type=checkbox][aria-label='Select Contoso']").Change(true);
        cut.WaitForAssertion(() => cut.Find("[data-testid=check-selected]").TextContent.ShouldContain("Check selected (1)"));
        cut.Find("[data-testid=check-selected]").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public async Task Board_FiltersBySummaryButtonStatusSelectAndSearch()
    {
        SignIn("lena", Roles.TeamLead);
        await SeedAsync();
        string[] Names(IRenderedComponent<StatusBoardPage> c) => c.FindAll("[data-testid=tenant-link]").Select(a => a.TextContent).ToArray();

        var cut = Render<StatusBoardPage>();
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Fabrikam", "Contoso"]));
        cut.Find("[data-testid=status-pager]").TextContent.ShouldBe("Page 1 of 1 · 1–2 of 2 tenants");
        cut.Find("[data-summary=Failing]").GetAttribute("aria-pressed").ShouldBe("false");

        cut.Find("[data-summary=Failing]").Click();
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Fabrikam"]));
        cut.Find("[data-summary=Failing]").GetAttribute("aria-pressed").ShouldBe("true");
        cut.Find("[data-testid=status-summary]").TextContent.ShouldContain("Connected: 1"); // the summary still counts every status

        cut.Find("#status-status").Change("");
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Fabrikam", "Contoso"]));
        cut.Find("#status-status").Change("Connected");
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Contoso"]));
        cut.Find("#status-status").Change("");

        cut.Find("#status-search").Input("fabri");
        cut.WaitForAssertion(() => Names(cut).ShouldBe(["Fabrikam"]), TimeSpan.FromSeconds(5));
        cut.Find("#status-search").Input("nobody");
        cut.WaitForAssertion(() => cut.Find("[data-testid=status-board] tbody").TextContent.ShouldContain("No tenants match these filters"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Board_PagesOnTheServer_AndKeepsTheSelectionAcrossPages()
    {
        SignIn("lena", Roles.TeamLead);
        await SeedAsync(extraTenants: 28);

        var cut = Render<StatusBoardPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=tenant-link]").Count.ShouldBe(25));
        cut.Find("[data-testid=status-pager]").TextContent.ShouldBe("Page 1 of 2 · 1–25 of 30 tenants");
        cut.Find("button[aria-label='Previous page']").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("input[aria-label='Select Fabrikam']").Change(true);

        cut.Find("button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=tenant-link]").Count.ShouldBe(5));
        cut.Find("[data-testid=status-pager]").TextContent.ShouldBe("Page 2 of 2 · 26–30 of 30 tenants");
        cut.Find("button[aria-label='Next page']").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("[data-testid=check-selected]").TextContent.ShouldContain("Check selected (1)");

        cut.Find(".status-pager select").Change("50");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=tenant-link]").Count.ShouldBe(30));
        cut.Find("input[aria-label='Select Fabrikam']").HasAttribute("checked").ShouldBeTrue();
    }

    [Fact]
    public async Task Board_Auditor_IsReadOnly()
    {
        SignIn("audrey", Roles.Auditor);
        await SeedAsync();
        Render<MudPopoverProvider>();

        var cut = Render<StatusBoardPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=tenant-link]").Count.ShouldBe(2));
        cut.Markup.ShouldNotContain("Check this page now");
        cut.FindAll("button[aria-label^='Check ']").ShouldBeEmpty();
    }
}
