using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Setup;
using Portal.Features.Tenants;
using Portal.Features.Tenants.Bulk;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Tenants;

/// <summary>Bulk actions run each tenant through the single action: a tenant outside the user's scope is refused on the server.</summary>
public sealed class TenantBulkActionsTests
{
    [Fact]
    public async Task ScopedHelpdesk_BulkTagArchiveCheckAndSetup_OutOfScopeTenantRefusedAndAudited()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var helenId = await host.AddUserAsync("helen");
        var na = await host.RegionAsync(RegionProduct.Uem, "na");
        int a, b, outside;
        await using (var admin = host.Services.ScopeFor("ada", Roles.Admin))
        {
            var tenants = admin.ServiceProvider.GetRequiredService<TenantService>();
            a = await CreateAsync(tenants, "Fabrikam A", "fabrikam", na.Id);
            b = await CreateAsync(tenants, "Fabrikam B", "fabrikam", na.Id);
            outside = await CreateAsync(tenants, "Contoso", "contoso", na.Id);
            (await admin.ServiceProvider.GetRequiredService<TenantScopeAdminService>().SetAsync(helenId, ["fabrikam"], ct)).Succeeded.ShouldBeTrue();
        }

        await using var scope = host.Services.ScopeFor("helen", Roles.Helpdesk);
        var bulk = scope.ServiceProvider.GetRequiredService<TenantBulkActions>();

        var tagged = await bulk.RunAsync(TenantBulkAction.AddTag, [a, b, outside], "VIP", ct);
        tagged.Summary.ShouldBe("2 tagged, 1 refused: That tenant does not exist or is outside your tenant scope.");
        tagged.Outcomes.Single(o => !o.Succeeded).TenantId.ShouldBe(outside);

        var checkedNow = await bulk.RunAsync(TenantBulkAction.CheckNow, [b, outside], null, ct);
        checkedNow.SucceededCount.ShouldBe(1);
        checkedNow.Outcomes.Single(o => !o.Succeeded).TenantId.ShouldBe(outside);

        var started = await bulk.RunAsync(TenantBulkAction.StartSetup, [a, outside], null, ct);
        started.SucceededCount.ShouldBe(1);
        started.Outcomes.Single(o => !o.Succeeded).Reason.ShouldBe("This tenant does not exist or is outside your tenant scope.");

        // Removing the tag that puts a tenant in the user's scope is refused by the form's own rule.
        var untagged = await bulk.RunAsync(TenantBulkAction.RemoveTag, [a, b], "fabrikam", ct);
        untagged.SucceededCount.ShouldBe(0);
        untagged.Outcomes.ShouldAllBe(o => o.Reason!.Contains("your tenant scope covers only tenants tagged fabrikam", StringComparison.Ordinal));

        var archived = await bulk.RunAsync(TenantBulkAction.Archive, [a, b, outside], null, ct);
        archived.Summary.ShouldBe("2 archived, 1 refused: That tenant does not exist or is outside your tenant scope.");

        await using (var admin = host.Services.ScopeFor("ada", Roles.Admin))
        {
            var tenants = admin.ServiceProvider.GetRequiredService<TenantService>();
            var contoso = await tenants.GetAsync(outside, ct);
            contoso!.IsArchived.ShouldBeFalse();
            contoso.Model.TagsText.ShouldBe("contoso");
            (await tenants.GetAsync(a, ct))!.Model.TagsText.ShouldBe("fabrikam, vip");
            (await tenants.GetAsync(a, ct))!.IsArchived.ShouldBeTrue();
            (await admin.ServiceProvider.GetRequiredService<SetupService>().LoadAsync(outside, ct))!.Run.ShouldBeNull();
            (await admin.ServiceProvider.GetRequiredService<SetupService>().LoadAsync(a, ct))!.Run.ShouldNotBeNull();
        }

        var outsideId = outside.ToString(CultureInfo.InvariantCulture);
        host.Audit.Events.Where(e => e.TenantId == outsideId && e.Outcome == AuditOutcome.Denied).Select(e => e.Action)
            .ShouldBe(["tenant.update", "status.check-now", "tenant.read", "tenant.archive"], ignoreOrder: true);
        host.Audit.Events.Count(e => e.Action == "tenant.update" && e.Outcome == AuditOutcome.Success).ShouldBe(2);
        host.Audit.Events.Count(e => e.Action == "tenant.archive" && e.Outcome == AuditOutcome.Success).ShouldBe(2);
    }

    [Fact]
    public async Task Auditor_BulkArchive_RefusedByTheSingleActionsRoleCheck()
    {
        await using var host = await TenantsTestPortal.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var na = await host.RegionAsync(RegionProduct.Uem, "na");
        int id;
        await using (var admin = host.Services.ScopeFor("ada", Roles.Admin))
        {
            id = await CreateAsync(admin.ServiceProvider.GetRequiredService<TenantService>(), "Contoso", "", na.Id);
        }

        await using var scope = host.Services.ScopeFor("audrey", Roles.Auditor);
        var bulk = scope.ServiceProvider.GetRequiredService<TenantBulkActions>();
        await Should.ThrowAsync<PortalAccessDeniedException>(() => bulk.RunAsync(TenantBulkAction.Archive, [id], null, ct));
        await Should.ThrowAsync<PortalAccessDeniedException>(() => bulk.RunAsync(TenantBulkAction.AddTag, [id], "x", ct));
        host.Audit.Events.ShouldContain(e => e.Action == "tenant.archive" && e.Outcome == AuditOutcome.Denied);

        await using var admin2 = host.Services.ScopeFor("ada", Roles.Admin);
        (await admin2.ServiceProvider.GetRequiredService<TenantService>().GetAsync(id, ct))!.IsArchived.ShouldBeFalse();
    }

    private static async Task<int> CreateAsync(TenantService tenants, string name, string tags, int regionId)
    {
        var result = await tenants.CreateAsync(new TenantEditModel
        {
            DisplayName = name, UemConsoleUrl = "https://cn1.awmdm.com", UemApiUrl = "https://as1.awmdm.com", UemRegionId = regionId, TagsText = tags,
        }, TestContext.Current.CancellationToken);
        result.Succeeded.ShouldBeTrue(string.Join(" ", result.Errors.SelectMany(e => e.Value)));
        return result.Id!.Value;
    }
}
