using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Tenants;

/// <summary>Where a region's tenants send their client secrets is an admin's decision, checked on the server before anything is saved.</summary>
public sealed class RegionAddressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegionEditModel Custom(string code, string tokenUrl, string apiBaseUrl = "https://uem.lab.example.com") => new()
    {
        Product = RegionProduct.Uem, Code = code, DisplayName = "Lab " + code, Location = "Lab", TokenUrl = tokenUrl, ApiBaseUrl = apiBaseUrl,
    };

    [Fact]
    public async Task Admin_PointingBuiltInUatAtEvilHost_RefusedAndNothingSaved()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("ada", Roles.Admin);
        var regions = scope.ServiceProvider.GetRequiredService<RegionService>();
        var uat = (await regions.ListAsync(RegionProduct.Uem, Ct)).Single(r => r.Code == "uat");
        var edit = RegionEditModel.From(uat);
        edit.TokenUrl = "https://evil.example.com/connect/token";
        edit.CountriesServed = "changed too";

        var result = await regions.UpdateAsync(uat.Id, edit, Ct);

        result.Succeeded.ShouldBeFalse();
        result.Errors[nameof(RegionEditModel.TokenUrl)].ShouldHaveSingleItem().ShouldContain("built-in region keeps Omnissa's server");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var stored = await db.Set<Region>().AsNoTracking().SingleAsync(r => r.Id == uat.Id, Ct);
        stored.TokenUrl.ShouldBe("https://uat.uemauth.workspaceone.com/connect/token");
        stored.CountriesServed.ShouldBe(uat.CountriesServed);
        host.Audit.Events.ShouldNotContain(e => e.Action == "region.update" && e.Outcome == AuditOutcome.Success);
    }

    [Theory]
    [InlineData("https://169.254.169.254/connect/token", "not an IP address")]
    [InlineData("https://127.0.0.1:5432/connect/token", "not an IP address")]
    [InlineData("https://localhost/connect/token", "this machine")]
    [InlineData("https://workspaceone.com@evil.com/connect/token", "really evil.com")]
    [InlineData("http://uem.lab.example.com/connect/token", "https://")]
    [InlineData("https://uem.lab.example.com/steal", "/connect/token")]
    public async Task Admin_CustomRegionWithBadTokenUrl_RefusedAndNothingSaved(string tokenUrl, string expected)
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("ada", Roles.Admin);
        var regions = scope.ServiceProvider.GetRequiredService<RegionService>();

        var result = await regions.CreateCustomAsync(Custom("lab-bad", tokenUrl), Ct);

        result.Succeeded.ShouldBeFalse();
        result.Errors[nameof(RegionEditModel.TokenUrl)].ShouldHaveSingleItem().ShouldContain(expected);
        (await regions.ListAsync(RegionProduct.Uem, Ct)).ShouldNotContain(r => r.Code == "lab-bad");
    }

    [Fact]
    public async Task Admin_ValidCustomRegion_SavedAndAudited()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("ada", Roles.Admin);

        var result = await scope.ServiceProvider.GetRequiredService<RegionService>().CreateCustomAsync(Custom("lab-ok", "https://uem.lab.example.com/connect/token"), Ct);

        result.Succeeded.ShouldBeTrue();
        host.Audit.Events.ShouldContain(e => e.Action == "region.create" && e.Outcome == AuditOutcome.Success
            && e.Details!["kind"] == "Custom" && e.Details["tokenUrl"] == "https://uem.lab.example.com/connect/token");
    }

    [Theory]
    [InlineData(Roles.Helpdesk)]
    [InlineData(Roles.TeamLead)]
    public async Task NonAdmin_CreatingOrRepointingRegions_DeniedAndAudited(string role)
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var uat = await host.RegionAsync(RegionProduct.Uem, "uat");
        await using var scope = host.Services.ScopeFor(role.ToLowerInvariant(), role);
        var regions = scope.ServiceProvider.GetRequiredService<RegionService>();
        var edit = RegionEditModel.From(uat);
        edit.TokenUrl = "https://evil.example.com/connect/token";

        await Should.ThrowAsync<PortalAccessDeniedException>(() => regions.CreateCustomAsync(Custom("lab-x", "https://uem.lab.example.com/connect/token"), Ct));
        await Should.ThrowAsync<PortalAccessDeniedException>(() => regions.UpdateAsync(uat.Id, edit, Ct));

        host.Audit.Events.ShouldContain(e => e.Action == "region.create" && e.Outcome == AuditOutcome.Denied);
        host.Audit.Events.ShouldContain(e => e.Action == "region.update" && e.Outcome == AuditOutcome.Denied);
        (await host.RegionAsync(RegionProduct.Uem, "uat")).TokenUrl.ShouldBe(uat.TokenUrl);
    }

    [Fact]
    public async Task Helpdesk_TenantOnCustomRegion_CannotChooseItsOwnTokenUrlOrInternalHosts()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using (var adminScope = host.Services.ScopeFor("ada", Roles.Admin))
        {
            (await adminScope.ServiceProvider.GetRequiredService<RegionService>().CreateCustomAsync(Custom("lab-t", "https://uem.lab.example.com/connect/token"), Ct)).Succeeded.ShouldBeTrue();
        }

        var lab = await host.RegionAsync(RegionProduct.Uem, "lab-t");
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var model = new TenantEditModel
        {
            DisplayName = "Lab tenant", UemRegionId = lab.Id, UemConsoleUrl = "http://169.254.169.254/latest/meta-data/", UemApiUrl = "https://127.0.0.1:5432/",
            UemTokenUrl = "https://evil.example.com/connect/token", OAuthClientId = "client-1", NewUemClientSecret = "Secret-Value-123456",
        };

        var result = await tenants.CreateAsync(model, Ct);

        result.Errors.Keys.ShouldBe([nameof(TenantEditModel.UemConsoleUrl), nameof(TenantEditModel.UemApiUrl), nameof(TenantEditModel.UemTokenUrl)], ignoreOrder: true);
        result.Errors[nameof(TenantEditModel.UemTokenUrl)].ShouldHaveSingleItem().ShouldContain(lab.TokenUrl);
        (await tenants.QueryAsync(new TenantQuery(), Ct)).Items.ShouldNotContain(t => t.DisplayName == "Lab tenant");
    }
}
