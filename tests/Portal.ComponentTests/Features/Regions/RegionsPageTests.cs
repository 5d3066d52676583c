using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Features.Cluster;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Regions;

public sealed class RegionsPageTests : BunitContext
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public RegionsPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        _connection.Open();
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:Enabled"] = "true" }).Build());
        Services.AddDbContextFactory<PortalDbContext>(o => o.UseSqlite(_connection));
        Services.AddHttpContextAccessor();
        Services.AddSingleton<Portal.Features.Audit.IAuditSink, RecordingAuditSink>();
        Services.AddScoped<CurrentUser>();
        Services.AddClusterFeature(new ConfigurationBuilder().Build());
        Services.AddRegionsFeature();
    }

    private async Task SeedAsync()
    {
        var factory = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.EnsureCreatedAsync();
        await new RegionSeeder(factory, Microsoft.Extensions.Options.Options.Create(new DemoOptions { Enabled = true }), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RegionSeeder>.Instance).SeedAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RegionsPage_Helpdesk_ReadsSeededRegionsWithoutEditButtons()
    {
        AddAuthorization().SetAuthorized("helen").SetRoles(Roles.Helpdesk);
        await SeedAsync();

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
        await SeedAsync();
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();

        var cut = Render<CascadingAuthenticationState>(p => p.AddChildContent<RegionsPage>());
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Add custom region"));
        cut.FindAll("button").First(b => b.TextContent.Contains("Add custom region", StringComparison.Ordinal)).Click();

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("does not check its hosts against the Workspace ONE SaaS"));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
