using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>
/// A team lead or auditor scoped to tenant tags sees, on the page and in the CSV export, the entries of the tenants in
/// their scope plus their own actions; nothing of other tenants and no other user's tenant-less entries.
/// </summary>
public sealed class AuditScopeTests(SharedPortal portal)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task ScopedTeamLeadAndAuditor_QueryFindAndExport_SeeOnlyTheirTenantsAndTheirOwnActions()
    {
        var (inside, outside) = (await AddTenantAsync($"north-{_run}"), await AddTenantAsync($"south-{_run}"));
        var lead = await AddUserAsync($"lead-{_run}", Roles.TeamLead, $"north-{_run}");
        var auditor = await AddUserAsync($"aud-{_run}", Roles.Auditor, $"north-{_run}");
        var other = $"other-{_run}";
        var insideEntry = await WriteAsync(other, inside, "inside");
        var outsideEntry = await WriteAsync(other, outside, "outside");
        var tenantless = await WriteAsync(other, null, "tenantless");
        var own = await WriteAsync(lead, outside, "own-action"); // the lead's own action on a tenant outside the scope

        foreach (var (user, role) in new[] { (lead, Roles.TeamLead), (auditor, Roles.Auditor) })
        {
            await using var scope = portal.Services.ScopeFor(user, role);
            var audit = scope.ServiceProvider.GetRequiredService<AuditQueryService>();

            var everything = await audit.QueryAsync(new AuditFilter { Action = TestAction }, cancellationToken: Ct);
            var ids = everything.Entries.Select(e => e.Id).ToList();
            ids.ShouldContain(insideEntry);
            ids.ShouldNotContain(outsideEntry);
            ids.ShouldNotContain(tenantless);
            (ids.Contains(own) == (user == lead)).ShouldBeTrue();

            // Asking for the other tenant or the hidden entry by id gets nothing.
            (await audit.QueryAsync(new AuditFilter { TenantId = Key(outside), Actor = other }, cancellationToken: Ct)).Entries.ShouldBeEmpty();
            (await audit.FindAsync(outsideEntry, Ct)).ShouldBeNull();
            (await audit.FindAsync(tenantless, Ct)).ShouldBeNull();
        }

        // Over real HTTP: the CSV export of a signed-in scoped team lead.
        using var client = portal.CreatePortalClient();
        (await client.SignInAsync(lead, AuditTrailTests.TestPassword)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        using var response = await client.Http.GetAsync(new Uri($"/audit/export.csv?action={TestAction}", UriKind.Relative), Ct);
        response.EnsureSuccessStatusCode();
        var csv = await response.Content.ReadAsStringAsync(Ct);
        csv.ShouldContain($"inside-{_run}");
        csv.ShouldContain($"own-action-{_run}");
        csv.ShouldNotContain($"outside-{_run}");
        csv.ShouldNotContain($"tenantless-{_run}");
        using var probe = await client.Http.GetAsync(new Uri($"/audit/export.csv?tenant={Key(outside)}", UriKind.Relative), Ct);
        var probed = await probe.Content.ReadAsStringAsync(Ct);
        probed.ShouldNotContain($"outside-{_run}");
        probed.ShouldContain($"own-action-{_run}"); // their own action on that tenant stays theirs to see
    }

    [Fact]
    public async Task UnscopedTeamLead_SeesEveryTenantsEntries()
    {
        var (first, second) = (await AddTenantAsync($"east-{_run}"), await AddTenantAsync($"west-{_run}"));
        var lead = await AddUserAsync($"lead-all-{_run}", Roles.TeamLead, scopeTag: null);
        var a = await WriteAsync($"other-{_run}", first, "a");
        var b = await WriteAsync($"other-{_run}", second, "b");
        var c = await WriteAsync($"other-{_run}", null, "c");

        await using var scope = portal.Services.ScopeFor(lead, Roles.TeamLead);
        var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().QueryAsync(new AuditFilter { Actor = $"other-{_run}" }, cancellationToken: Ct);

        page.Entries.Select(e => e.Id).ShouldBe([c, b, a]);
    }

    private const string TestAction = "test.scope";

    private static string Key(int tenantId) => tenantId.ToString(CultureInfo.InvariantCulture);

    private IDbContextFactory<PortalDbContext> DbFactory => portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    private async Task<int> AddTenantAsync(string tag)
    {
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
        var region = await db.Set<Portal.Features.Regions.Region>().Select(r => r.Id).FirstAsync(Ct);
        var tenant = new Tenant
        {
            DisplayName = "Scope " + tag, NormalizedName = "SCOPE " + tag.ToUpperInvariant(), UemConsoleUrl = "https://cn1.awmdm.com",
            UemApiUrl = "https://as1.awmdm.com", UemTokenUrl = "https://na.uemauth.workspaceone.com/connect/token", UemRegionId = region,
            Tags = [new TenantTag { Name = tag }], CreatedUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow, CreatedBy = "test", UpdatedBy = "test",
        };
        db.Add(tenant);
        await db.SaveChangesAsync(Ct);
        return tenant.Id;
    }

    /// <summary>A real account (so it can sign in) whose id matches <see cref="ActingUser.ScopeFor"/>'s, with an optional tag scope.</summary>
    private async Task<string> AddUserAsync(string userName, string role, string? scopeTag)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { Id = "test-" + userName, UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, AuditTrailTests.TestPassword)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
        if (scopeTag is not null)
        {
            await using var admin = portal.Services.ScopeFor("scope-admin", Roles.Admin);
            (await admin.ServiceProvider.GetRequiredService<TenantScopeAdminService>().SetAsync(user.Id, [scopeTag], Ct)).Succeeded.ShouldBeTrue();
        }

        return userName;
    }

    private async Task<long> WriteAsync(string actor, int? tenantId, string marker)
    {
        await using var scope = portal.Services.ScopeFor(actor, Roles.Admin);
        await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteAsync(
            new AuditEvent(TestAction, AuditOutcome.Success, tenantId, new Dictionary<string, string?> { ["marker"] = $"{marker}-{_run}" }), Ct);
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().Where(e => e.Action == TestAction && e.Actor == actor).MaxAsync(e => e.Id, Ct);
    }
}
