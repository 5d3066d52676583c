using AngleSharp.Dom;
using Portal.Features.Audit;
using Portal.Features.Home;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Home;

/// <summary>The home page per role over the real attention query, tenant scope and stored state.</summary>
public sealed class HomePageTests : AttentionTestBase
{
    private static string[] CardKeys(IRenderedComponent<HomePage> cut) => cut.FindAll("[data-testid=home-card]").Select(c => c.GetAttribute("data-card")!).ToArray();

    private static IElement Card(IRenderedComponent<HomePage> cut, string key) => cut.Find($"[data-card={key}]");

    private static string[] ItemLinks(IElement card) => card.QuerySelectorAll("[data-testid=home-card-item] a").Select(a => $"{a.TextContent}→{a.GetAttribute("href")}").ToArray();

    private IRenderedComponent<HomePage> RenderHome()
    {
        var cut = Render<HomePage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=home-card]").ShouldNotBeEmpty());
        return cut;
    }

    [Fact]
    public async Task Helpdesk_SeesSetupsInProgressAndFailingTenants_WithLinksOnward()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["setups", "failing"]);
        var setups = Card(cut, "setups");
        setups.QuerySelector("h2")!.TextContent.ShouldBe("Set-ups in progress");
        ItemLinks(setups).ShouldBe([$"Contoso→/setup/{TenantIds["Contoso"]}"]);
        setups.TextContent.ShouldContain("Step 3 of 7: REST API key · started by helen");
        var failing = Card(cut, "failing");
        ItemLinks(failing).ShouldBe([$"Contoso→/status/{TenantIds["Contoso"]}", $"Fabrikam→/status/{TenantIds["Fabrikam"]}"]);
        failing.TextContent.ShouldContain("Failing since 2 h ago: Role lacks permission");
        failing.TextContent.ShouldContain("Needs re-authorisation since");
        failing.QuerySelector("a.mud-button-root")!.GetAttribute("href").ShouldBe("/status");
        cut.Markup.ShouldNotContain("Audit trail integrity");
        cut.Markup.ShouldNotContain("Rotations due");
    }

    [Fact]
    public async Task Helpdesk_NothingToDo_EmptyStatesSaySoAndLinkOnward()
    {
        SignIn("helen", Roles.Helpdesk);
        await (await CreateDbAsync()).DisposeAsync(); // an empty portal: no tenants, no runs, no status

        var cut = RenderHome();

        Card(cut, "setups").TextContent.ShouldContain("No set-ups in progress");
        Card(cut, "setups").QuerySelector("a.mud-button-root")!.GetAttribute("href").ShouldBe("/setup");
        Card(cut, "failing").TextContent.ShouldContain("no tenant is failing or needs re-authorisation");
        Card(cut, "failing").QuerySelector("a.mud-button-root")!.GetAttribute("href").ShouldBe("/status");
        cut.FindAll("[data-testid=home-card-item]").ShouldBeEmpty();
    }

    [Fact]
    public async Task TeamLead_SeesBoardSummaryRotationsDueAndReviewsOverdue()
    {
        SignIn("lena", Roles.TeamLead);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["summary", "rotations", "reviews"]);
        var summary = Card(cut, "summary").TextContent;
        summary.ShouldContain("4 tenants on the status board.");
        summary.ShouldContain("Failing: 1");
        summary.ShouldContain("Needs re-authorisation: 1");
        summary.ShouldContain("Connected: 1");
        summary.ShouldContain("Not checked recently: 1"); // the demo tenant was never checked
        summary.ShouldNotContain("Degraded"); // zero counts are left out
        Card(cut, "summary").QuerySelector("a.mud-button-root")!.GetAttribute("href").ShouldBe("/status");

        var rotations = Card(cut, "rotations");
        rotations.TextContent.ShouldContain("1 credential is older than the 180-day rotation policy.");
        ItemLinks(rotations).ShouldBe([$"Contoso→/status/{TenantIds["Contoso"]}"]);
        rotations.TextContent.ShouldContain("OAuth client secret set 200 days ago");

        var reviews = Card(cut, "reviews");
        ItemLinks(reviews).ShouldBe([$"Contoso→/status/{TenantIds["Contoso"]}"]); // Fabrikam was reviewed 3 days ago, Northwind is new
        reviews.TextContent.ShouldContain("Never reviewed");
        cut.Markup.ShouldNotContain("Set-ups in progress");
    }

    [Fact]
    public async Task Auditor_NeverVerified_SaysSoAndLinksToVerify()
    {
        SignIn("audrey", Roles.Auditor);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["integrity"]);
        Card(cut, "integrity").TextContent.ShouldContain("The audit trail was never verified.");
        var action = Card(cut, "integrity").QuerySelector("a.mud-button-root")!;
        action.TextContent.ShouldContain("Verify integrity now");
        action.GetAttribute("href").ShouldBe("/audit");
    }

    [Fact]
    public async Task Auditor_ShowsTheNewestVerificationAndItsOutcome()
    {
        SignIn("audrey", Roles.Auditor);
        await SeedAsync();
        await using (var db = await CreateDbAsync())
        {
            db.AddRange(
                Entry(1, Now.AddDays(-2), AuditOutcome.Failure, """{"entriesChecked":"10","firstBrokenId":"7","problem":"The entry's content does not match its hash (it was edited)."}"""),
                Entry(2, Now.AddHours(-5), AuditOutcome.Success, """{"entriesChecked":"42","firstBrokenId":null,"problem":null}"""));
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var cut = RenderHome();

        var integrity = Card(cut, "integrity").TextContent;
        integrity.ShouldContain("Last verified 5 h ago");
        integrity.ShouldContain("by audrey");
        integrity.ShouldContain("Intact: 42 entries checked.");
        integrity.ShouldNotContain("Broken");
        Card(cut, "integrity").QuerySelector("a.mud-button-root")!.GetAttribute("href").ShouldBe("/audit");
    }

    [Fact]
    public async Task DemoMode_Helpdesk_FirstCardOpensTheDemoRunbook()
    {
        EnableDemoMode();
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut)[0].ShouldBe("demo");
        var demo = Card(cut, "demo");
        demo.QuerySelector("h2")!.TextContent.ShouldBe("Try the whole runbook on Demo Customer (simulator)");
        demo.QuerySelector("a.mud-button-root")!.GetAttribute("href").ShouldBe($"/setup/{TenantIds["Demo"]}");
    }

    [Fact]
    public async Task DemoMode_Off_NoDemoCard()
    {
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldNotContain("demo");
        cut.Markup.ShouldNotContain("Try the whole runbook");
    }

    [Fact]
    public async Task DemoMode_NotForRolesThatCannotRunSetups()
    {
        EnableDemoMode();
        SignIn("lena", Roles.TeamLead, Roles.Auditor);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["summary", "rotations", "reviews", "integrity"]);
    }

    [Fact]
    public async Task DemoMode_ScopedHelpdesk_SeesNeitherTheDemoTenantNorOtherTagsTenants()
    {
        EnableDemoMode();
        SignIn("helen", Roles.Helpdesk);
        await SeedAsync();
        await ScopeUserAsync("helen", "retail");

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["setups", "failing"]); // the demo tenant is tagged "demo": outside helen's scope
        ItemLinks(Card(cut, "failing")).ShouldBe([$"Contoso→/status/{TenantIds["Contoso"]}"]); // Fabrikam is wholesale
    }

    [Fact]
    public async Task Admin_SeesEveryCardOnce_DemoFirst()
    {
        EnableDemoMode();
        SignIn("ada", Roles.Admin, Roles.Helpdesk, Roles.TeamLead, Roles.Auditor);
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["demo", "setups", "failing", "summary", "rotations", "reviews", "integrity"]);
    }

    [Fact]
    public async Task NoRole_AsksForOne()
    {
        SignIn("newbie");
        await SeedAsync();

        var cut = RenderHome();

        CardKeys(cut).ShouldBe(["no-role"]);
        cut.Markup.ShouldContain("Ask an administrator");
    }

    private static AuditEntry Entry(long id, DateTime when, AuditOutcome outcome, string details) => new()
    {
        Id = id, TimestampUtc = when, Actor = "audrey", ActorRoles = "Auditor", Action = AuditActions.AuditVerified, Outcome = outcome,
        DetailsJson = details, CorrelationId = "c", PreviousHash = "p", Hash = "h" + id,
    };
}
