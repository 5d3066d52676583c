using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Tenants;

public sealed class TenantScopeTests
{
    [Fact]
    public async Task ScopedHelpdesk_OpeningOrEditingOtherCustomersTenantById_RefusedAndLogged()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = Xunit.TestContext.Current.CancellationToken;
        var helenId = await host.AddUserAsync("helen");
        var na = await host.RegionAsync(RegionProduct.Uem, "na");
        int contosoId, fabrikamId;
        await using (var scope = host.Services.ScopeFor("ada", Roles.Admin))
        {
            var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
            contosoId = (await tenants.CreateAsync(Model("Contoso", "contoso", na.Id), ct)).Id!.Value;
            fabrikamId = (await tenants.CreateAsync(Model("Fabrikam", "fabrikam", na.Id), ct)).Id!.Value;
            var scopeResult = await scope.ServiceProvider.GetRequiredService<TenantScopeAdminService>().SetAsync(helenId, ["Fabrikam"], ct);
            scopeResult.Succeeded.ShouldBeTrue();
        }

        await using (var scope = host.Services.ScopeFor("helen", Roles.Helpdesk))
        {
            var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
            (await tenants.QueryAsync(new TenantQuery(), ct)).Items.Select(i => i.DisplayName).ShouldBe(["Fabrikam"]);
            (await tenants.GetAsync(fabrikamId, ct)).ShouldNotBeNull();

            (await tenants.GetAsync(contosoId, ct)).ShouldBeNull();
            var edit = Model("Contoso hacked", "fabrikam", na.Id);
            (await tenants.UpdateAsync(contosoId, edit, ct)).Status.ShouldBe(TenantSaveStatus.NotFound);
            (await tenants.ArchiveAsync(contosoId, ct)).Status.ShouldBe(TenantSaveStatus.NotFound);
            (await scope.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForApiCallAsync(contosoId, "test", ct)).ShouldBeNull();

            // Creating a tenant outside the scope would hide it from its creator: refused with a field message.
            var outside = await tenants.CreateAsync(Model("Northwind", "northwind", na.Id), ct);
            outside.Errors[nameof(TenantEditModel.TagsText)].ShouldHaveSingleItem().ShouldContain("fabrikam");
        }

        var denied = host.Audit.Events.Where(e => e.Outcome == AuditOutcome.Denied && e.TenantId == contosoId.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(e => e.Action).ToList();
        denied.ShouldBe(["tenant.read", "tenant.update", "tenant.archive", "tenant.secrets.use"], ignoreOrder: true);
        host.Audit.Events.ShouldContain(e => e.Action == "user.tenant-scope.set" && e.Details!["tags"] == "fabrikam");
        host.Logs.Entries.ShouldContain(l => l.Level == LogLevel.Warning && l.Message.Contains("Tenant scope refused", StringComparison.Ordinal) && l.Message.Contains("helen", StringComparison.Ordinal));

        await using (var scope = host.Services.ScopeFor("ada", Roles.Admin))
        {
            var stored = await scope.ServiceProvider.GetRequiredService<TenantService>().GetAsync(contosoId, ct);
            stored!.Model.DisplayName.ShouldBe("Contoso");
            stored.IsArchived.ShouldBeFalse();
        }
    }

    [Fact]
    public async Task UserWithoutScope_SeesAllTenants()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = Xunit.TestContext.Current.CancellationToken;
        var na = await host.RegionAsync(RegionProduct.Uem, "na");
        await using (var scope = host.Services.ScopeFor("ada", Roles.Admin))
        {
            var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
            await tenants.CreateAsync(Model("Contoso", "contoso", na.Id), ct);
            await tenants.CreateAsync(Model("Untagged", "", na.Id), ct);
        }

        await using var lead = host.Services.ScopeFor("lee", Roles.TeamLead);
        (await lead.ServiceProvider.GetRequiredService<TenantService>().QueryAsync(new TenantQuery(), ct)).TotalCount.ShouldBe(2);
    }

    [Fact]
    public async Task RegionSeeder_IsIdempotentAndKeepsAdminEdits()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var scope = host.Services.ScopeFor("ada", Roles.Admin);
        var regions = scope.ServiceProvider.GetRequiredService<RegionService>();
        (await regions.ListAsync(null, ct)).Count.ShouldBe(RegionSeedData.All.Count);

        var na = (await regions.ListAsync(RegionProduct.Uem, ct)).Single(r => r.Code == "na");
        var edit = RegionEditModel.From(na);
        edit.CountriesServed = "United States only";
        (await regions.UpdateAsync(na.Id, edit, ct)).Succeeded.ShouldBeTrue();

        foreach (var seeder in scope.ServiceProvider.GetServices<Portal.Hosting.IDataSeeder>())
        {
            await seeder.SeedAsync(ct);
        }

        var all = await regions.ListAsync(null, ct);
        all.Count.ShouldBe(RegionSeedData.All.Count);
        all.Single(r => r.Id == na.Id).CountriesServed.ShouldBe("United States only");
        all.Single(r => r.Product == RegionProduct.Uem && r.Code == "sim").TokenUrl.ShouldBe(new Uri(host.BaseAddress, "simulator/connect/token").ToString()); // this portal's own simulator
        host.Audit.Events.ShouldContain(e => e.Action == "region.update" && e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task RegionService_CustomRegionByHelpdesk_RefusedAndAudited()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var regions = scope.ServiceProvider.GetRequiredService<RegionService>();

        await Should.ThrowAsync<PortalAccessDeniedException>(() => regions.CreateCustomAsync(new RegionEditModel { Code = "x1" }, Xunit.TestContext.Current.CancellationToken));
        host.Audit.Events.ShouldContain(e => e.Action == "region.create" && e.Outcome == AuditOutcome.Denied);
    }

    private static TenantEditModel Model(string name, string tags, int regionId) => new()
    {
        DisplayName = name,
        UemConsoleUrl = "https://cn1234.awmdm.com",
        UemApiUrl = "https://as1234.awmdm.com",
        UemRegionId = regionId,
        TagsText = tags,
        OAuthClientId = "client-1",
        NewUemClientSecret = "Secret-Value-123456",
    };
}
