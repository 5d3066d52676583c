using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Features.Cluster;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Tenants;

/// <summary>The tenant pages over the real services and an in-memory SQLite database.</summary>
public sealed class TenantPagesTests : BunitContext
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public TenantPagesTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        _connection.Open();
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:Enabled"] = "true" }).Build());
        Services.AddDbContextFactory<PortalDbContext>(o => o.UseSqlite(_connection));
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddHttpContextAccessor();
        Services.AddSingleton<Portal.Features.Audit.IAuditSink, RecordingAuditSink>();
        Services.AddScoped<CurrentUser>();
        Services.AddClusterFeature(new ConfigurationBuilder().Build());
        Services.AddRegionsFeature();
        Services.AddTenantsFeature();
    }

    private async Task<int> SeedTenantAsync()
    {
        var factory = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.EnsureCreatedAsync();
        await new RegionSeeder(factory, Microsoft.Extensions.Options.Options.Create(new DemoOptions { Enabled = true }), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RegionSeeder>.Instance).SeedAsync(CancellationToken.None);
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
        AddAuthorization().SetAuthorized("audrey").SetRoles(Roles.Auditor).SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "id-audrey"));
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
        AddAuthorization().SetAuthorized("helen").SetRoles(Roles.Helpdesk).SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "id-helen"));
        var id = await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantEditPage>(p => p.Add(page => page.Id, id));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Save changes"));
        cut.Markup.ShouldContain("Archive tenant");
        Services.GetRequiredService<CurrentTenantState>().Current.ShouldBe(new TenantRef(id, "Contoso"));
    }

    [Fact]
    public async Task TenantEditPage_UnknownId_ShowsNotFound()
    {
        AddAuthorization().SetAuthorized("helen").SetRoles(Roles.Helpdesk).SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "id-helen"));
        await SeedTenantAsync();

        var cut = Render<TenantEditPage>(p => p.Add(page => page.Id, 999));

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("does not exist or is outside your tenant scope"));
    }

    [Fact]
    public async Task TenantsPage_ListsTenantsWithTagChips()
    {
        AddAuthorization().SetAuthorized("lee").SetRoles(Roles.TeamLead).SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "id-lee"));
        await SeedTenantAsync();
        Render<MudPopoverProvider>();

        var cut = Render<TenantsPage>();

        cut.WaitForAssertion(() => cut.Find("a[href='/tenants/1']").TextContent.ShouldBe("Contoso"));
        cut.Markup.ShouldContain("retail");
        cut.Markup.ShouldNotContain("New tenant"); // TeamLead reads only
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
