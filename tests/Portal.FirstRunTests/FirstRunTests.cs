using Microsoft.Playwright;

namespace Portal.FirstRunTests;

/// <summary>
/// The README's Run command and the Docker image's start, each on a fresh copy of the working tree, checked in
/// Chromium as a new user meets them. This tier proves the README; the factory-based suites prove the features.
/// </summary>
public sealed class FirstRunTests(FirstRunFixture fixture, ITestOutputHelper output)
{
    private const string AdminUserName = "admin";
    private const string NewAdminPassword = "First-Run-Admin-Pass-2026!";
    private const string DemoTenantName = "Demo Customer (simulator)";

    /// <summary>One route of each group the simulator serves (token services, UEM REST, Intelligence, operator).</summary>
    private static readonly (string Method, string Path)[] SimulatorRoutes =
    [
        ("POST", "/simulator/connect/token"),
        ("POST", "/simulator/regions/na/connect/token"),
        ("GET", "/simulator/API/system/info"),
        ("GET", "/simulator/API/system/groups/search"),
        ("GET", "/simulator/API/mdm/devices/search"),
        ("GET", "/simulator/tenants/demo/API/system/info"),
        ("POST", "/simulator/oauth/token"),
        ("POST", "/simulator/v2/reports/search"),
        ("GET", "/simulator/_operator/requests"),
        ("POST", "/simulator/_operator/reset"),
        ("GET", "/simulator"),
    ];

    [Fact]
    public async Task ReadmeRunCommand_DotnetRunInAFreshClone_GivesAStyledInteractiveDemo()
    {
        var port = FirstRunFixture.FreeLoopbackPort();
        var data = fixture.NewDataFolder("dotnet-run");
        // As the README says: `dotnet run`, here with a free port and a temporary data folder on the command line.
        await using var portal = PortalProcess.Start("dotnet-run", fixture.Clone, "dotnet",
            ["run", "--", "--urls", $"http://127.0.0.1:{port}", $"--Database:Path={Path.Combine(data, "portal.db")}", $"--DataProtection:KeysPath={Path.Combine(data, "keys")}"]);
        await portal.WaitUntilListeningAsync(TimeSpan.FromMinutes(8)); // includes the first build of the clone
        portal.Output.ShouldContain("Hosting environment: Development");
        portal.Output.ShouldContain("Demo mode: seeded tenant " + DemoTenantName);

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        await using var browser = new FirstRunBrowser(fixture.Browser, baseAddress);
        await browser.OpenSignInPageAsync();
        var assets = await browser.AssertEveryStylesheetAndScriptLoadsAsync();
        output.WriteLine("Sign-in page assets (all 200): " + string.Join(", ", assets));
        await browser.SignInAsFirstAdminAsync(AdminUserName, portal.FirstAdminPassword(), NewAdminPassword);
        await browser.AssertEveryStylesheetAndScriptLoadsAsync();
        await browser.AssertCircuitIsInteractiveAsync();
        await Screenshot(browser.Page, "dotnet-run-home", readme: true);

        // The first screen leads somewhere: in demo mode the first card opens the demo runbook.
        var firstCard = browser.Page.GetByTestId("home-card").First;
        await Assertions.Expect(firstCard.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Try the whole runbook on " + DemoTenantName);
        await firstCard.GetByRole(AriaRole.Link, new() { Name = "Open the demo runbook" }).ClickAsync();
        await browser.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/setup/[0-9]+$"), new() { Timeout = 20_000 });
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(DemoTenantName);

        // Demo mode: the simulator answers on this port and the demo tenant points at it, not at a fixed 5080.
        (await StatusOf(browser.Page, "POST", "/simulator/connect/token")).ShouldBe(400, "the simulated token service refuses an empty request as the real one does");
        await AssertDemoTenantPointsAtAsync(browser.Page, baseAddress);
        browser.ConsoleErrors.ShouldBeEmpty();
        AssertPasswordOnlyOnTheConsole(Path.Combine(fixture.Clone, "logs"), portal.FirstAdminPassword());
    }

    [Fact]
    public async Task DockerfileEntrypoint_PublishedOutputInProduction_IsStyledAndHasNoSimulator()
    {
        var app = await fixture.PublishedOutputAsync();
        foreach (var assembly in new[] { "Portal.dll", "MudBlazor.dll", "Microsoft.EntityFrameworkCore.dll" })
        {
            IsReadyToRun(Path.Combine(app, assembly)).ShouldBeTrue($"the image's {assembly} is precompiled (ReadyToRun); otherwise every start JIT-compiles it");
        }

        var runtime = DockerfileRuntime.Read(Path.Combine(fixture.Clone, "Dockerfile"));
        var port = FirstRunFixture.FreeLoopbackPort();
        var data = fixture.NewDataFolder("production");
        await using var portal = PortalProcess.Start("published-production", app, runtime.EntryPoint[0], runtime.EntryPoint.Skip(1),
            runtime.EnvironmentFor(data, port));
        await portal.WaitUntilListeningAsync(TimeSpan.FromMinutes(1));
        portal.Output.ShouldContain("Hosting environment: Production");
        portal.Output.ShouldNotContain("Demo mode");

        await using var browser = new FirstRunBrowser(fixture.Browser, new Uri($"http://127.0.0.1:{port}/"));
        await browser.OpenSignInPageAsync();
        foreach (var (method, path) in SimulatorRoutes)
        {
            (await StatusOf(browser.Page, method, path)).ShouldBe(404, $"{method} {path} before sign-in");
        }

        output.WriteLine("Sign-in page assets (all 200): " + string.Join(", ", await browser.AssertEveryStylesheetAndScriptLoadsAsync()));
        await browser.SignInAsFirstAdminAsync(AdminUserName, portal.FirstAdminPassword(), NewAdminPassword);
        await browser.AssertEveryStylesheetAndScriptLoadsAsync();
        await browser.AssertCircuitIsInteractiveAsync();
        await Screenshot(browser.Page, "published-production-home");
        foreach (var (method, path) in SimulatorRoutes)
        {
            (await StatusOf(browser.Page, method, path)).ShouldBe(404, $"{method} {path} as the admin");
        }

        await browser.Page.GotoAsync("/regions");
        await browser.Page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
        (await browser.Page.Locator("main").InnerTextAsync()).ShouldNotContain("Simulated");
        await browser.Page.GotoAsync("/tenants");
        await browser.Page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
        (await browser.Page.Locator("main").InnerTextAsync()).ShouldNotContain(DemoTenantName);
        browser.ConsoleErrors.ShouldBeEmpty();
        AssertPasswordOnlyOnTheConsole(Path.Combine(data, "logs"), portal.FirstAdminPassword());
    }

    /// <summary>Whether the assembly carries native code for this runtime: a ReadyToRun image has a managed native header.</summary>
    private static bool IsReadyToRun(string path)
    {
        using var image = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(path));
        return image.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    /// <summary>The log files exist (the volume's log path works) and the first admin's password is in none of them.</summary>
    private static void AssertPasswordOnlyOnTheConsole(string logFolder, string password)
    {
        var logs = Directory.Exists(logFolder) ? Directory.GetFiles(logFolder, "portal-*.log") : [];
        logs.ShouldNotBeEmpty($"the portal writes its log under {logFolder}");
        foreach (var log in logs)
        {
            using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            var text = reader.ReadToEnd();
            text.ShouldContain("Now listening on", customMessage: $"{log} is the portal's log");
            text.ShouldNotContain(password, customMessage: $"{log} must not hold the first admin's password");
        }
    }

    [Fact]
    public async Task DockerRunWithDemoExplicitlyOn_PublishedOutput_WarnsAndPointsTheDemoAtItsOwnPort()
    {
        var app = await fixture.PublishedOutputAsync();
        var runtime = DockerfileRuntime.Read(Path.Combine(fixture.Clone, "Dockerfile"));
        var port = FirstRunFixture.FreeLoopbackPort();
        var environment = runtime.EnvironmentFor(fixture.NewDataFolder("production-demo"), port);
        environment["Demo__Enabled"] = "true"; // the README's `docker run -e Demo__Enabled=true ...`
        await using var portal = PortalProcess.Start("published-demo", app, runtime.EntryPoint[0], runtime.EntryPoint.Skip(1), environment);
        await portal.WaitUntilListeningAsync(TimeSpan.FromMinutes(1));
        portal.Output.ShouldContain("Demo mode is on in the Production environment");

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        await using var browser = new FirstRunBrowser(fixture.Browser, baseAddress);
        await browser.OpenSignInPageAsync();
        await browser.SignInAsFirstAdminAsync(AdminUserName, portal.FirstAdminPassword(), NewAdminPassword);
        await browser.AssertCircuitIsInteractiveAsync();
        await AssertDemoTenantPointsAtAsync(browser.Page, baseAddress);
        browser.ConsoleErrors.ShouldBeEmpty();
    }

    private static async Task<int> StatusOf(IPage page, string method, string path)
    {
        var response = await page.APIRequest.FetchAsync(path, new() { Method = method, MaxRedirects = 0 });
        return response.Status;
    }

    /// <summary>The demo tenant's token URL names the address this portal listens on.</summary>
    private static async Task AssertDemoTenantPointsAtAsync(IPage page, Uri baseAddress)
    {
        await page.GotoAsync("/tenants");
        await page.GetByRole(AriaRole.Link, new() { Name = DemoTenantName }).First.ClickAsync();
        var tokenUrl = page.GetByLabel("UEM token URL");
        await Assertions.Expect(tokenUrl).ToHaveValueAsync(new Uri(baseAddress, "simulator/connect/token").ToString(), new() { Timeout = 20_000 });
    }

    private static async Task Screenshot(IPage page, string name, bool readme = false)
    {
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
        var path = Path.Combine(PortalProcess.ArtifactsFolder, name + ".png");
        await page.ScreenshotAsync(new() { Path = path });
        new FileInfo(path).Length.ShouldBeGreaterThan(10_000);
        if (readme)
        {
            // The README shows the app as users start it, so its screenshot comes from this tier.
            File.Copy(path, Path.Combine(WorkingTreeCopy.RepositoryRoot, "docs", "screenshot.png"), overwrite: true);
        }
    }
}
