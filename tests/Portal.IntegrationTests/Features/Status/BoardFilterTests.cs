using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Api;
using Portal.Features.Home;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Api;
using Portal.IntegrationTests.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>
/// "Rotation due" and "review overdue" on the real database (SQLite or PostgreSQL): the board, the CSV export and the
/// API's board endpoint filter alike, and the home page's cards count what the board they link to shows.
/// </summary>
public sealed class BoardFilterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StatusOptions Defaults = new(); // rotation policy 180 days (warnings from 150), review overdue after 90

    [Fact]
    public async Task RotationDueAndReviewOverdue_BoardExportApiAndHomeCardsAgree()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        const string Tag = "filters";
        var overdue = await AddAsync(portal, "Overdue Contoso", Tag, ageDays: 200);                     // rotation overdue, never reviewed
        var warned = await AddAsync(portal, "Warned Fabrikam", Tag, ageDays: 160);                      // in the warning window, never reviewed
        var fresh = await AddAsync(portal, "Fresh Northwind", Tag, ageDays: 1);                         // nothing due
        var reviewed = await AddAsync(portal, "Reviewed Tailspin", Tag, ageDays: 200, reviewedDaysAgo: 3); // rotation overdue, reviewed lately
        await AddAsync(portal, "Unconfigured Litware", Tag, ageDays: 200, withSecret: false);           // no credentials: neither
        var unreviewed = await AddAsync(portal, "Unreviewed Wingtip", Tag, ageDays: 100);                // review overdue only
        await AddAsync(portal, "Other tag Overdue", "elsewhere", ageDays: 200);

        await using var lead = portal.Services.ScopeFor("lena", Roles.TeamLead);
        var status = lead.ServiceProvider.GetRequiredService<StatusService>();
        async Task<int[]> BoardAsync(StatusBoardQuery query) =>
            (await status.QueryBoardAsync(query, Ct)).Rows.Select(r => r.TenantId).Order().ToArray();

        (await BoardAsync(new() { Tag = Tag, Rotation = RotationFilter.Due })).ShouldBe(new[] { overdue, warned, reviewed }.Order().ToArray());
        (await BoardAsync(new() { Tag = Tag, Rotation = RotationFilter.Overdue })).ShouldBe(new[] { overdue, reviewed }.Order().ToArray());
        (await BoardAsync(new() { Tag = Tag, ReviewOverdue = true })).ShouldBe(new[] { overdue, warned, unreviewed }.Order().ToArray());
        (await BoardAsync(new() { Tag = Tag, Rotation = RotationFilter.Due, ReviewOverdue = true })).ShouldBe(new[] { overdue, warned }.Order().ToArray());
        (await BoardAsync(new() { Tag = Tag })).ShouldContain(fresh);

        // The same filters from a shared address, as the page and the export read them.
        var fromAddress = StatusQueryString.Parse(new Dictionary<string, string?> { ["tag"] = Tag, ["rotation"] = "due", ["review"] = "overdue" });
        (await BoardAsync(fromAddress)).ShouldBe(new[] { overdue, warned }.Order().ToArray());

        using (var csv = new MemoryStream())
        {
            await status.ExportCsvAsync(fromAddress, csv, Ct);
            var lines = Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            lines.Count.ShouldBe(2);
            lines.ShouldContain(l => l.Contains("Overdue Contoso", StringComparison.Ordinal));
            lines.ShouldContain(l => l.Contains("Warned Fabrikam", StringComparison.Ordinal));
        }

        var token = await portal.TokenForAsync("lena-api", [Roles.TeamLead]);
        using var api = portal.ApiClient(token);
        using (var response = await api.GetAsync($"/api/v1/status?tag={Tag}&rotation=overdue", Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var rows = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("items");
            rows.EnumerateArray().Select(r => r.GetProperty("tenantId").GetInt32()).Order().ShouldBe(new[] { overdue, reviewed }.Order());
        }

        using (var response = await api.GetAsync($"/api/v1/status?tag={Tag}&review=overdue", Ct))
        {
            JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("totalCount").GetInt32().ShouldBe(3);
        }

        using (var bad = await api.GetAsync("/api/v1/status?rotation=soon", Ct))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync(Ct)).ShouldContain("rotation: use due or overdue.");
        }

        // Home's cards count with the same definitions and link to the board filtered the same way.
        var cards = await lead.ServiceProvider.GetRequiredService<HomeAttentionQuery>().LoadAsync(Ct);
        var rotationCard = cards.Single(c => c.Key == "rotations");
        var reviewCard = cards.Single(c => c.Key == "reviews");
        rotationCard.ActionHref.ShouldBe("/status?rotation=overdue");
        reviewCard.ActionHref.ShouldBe("/status?review=overdue");
        rotationCard.TotalCount.ShouldBe((await status.QueryBoardAsync(new() { Rotation = RotationFilter.Overdue }, Ct)).TotalCount);
        reviewCard.TotalCount.ShouldBe((await status.QueryBoardAsync(new() { ReviewOverdue = true }, Ct)).TotalCount);
    }

    [Fact]
    public async Task RotationDue_WarningWindowStartsWhereTheSweeperWarns()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var firstWarned = Defaults.RotationPolicyDays - RotationPolicy.WarningDays.Max();
        await AddAsync(portal, "Day before warning", "edge", ageDays: firstWarned - 1);
        var onTheDay = await AddAsync(portal, "First warning day", "edge", ageDays: firstWarned);

        await using var lead = portal.Services.ScopeFor("lena", Roles.TeamLead);
        var rows = (await lead.ServiceProvider.GetRequiredService<StatusService>().QueryBoardAsync(new() { Tag = "edge", Rotation = RotationFilter.Due }, Ct)).Rows;

        rows.Select(r => r.TenantId).ShouldBe([onTheDay]);
        RotationPolicy.Assess(DateTime.UtcNow.AddDays(-firstWarned).AddMinutes(-1), DateTime.UtcNow, Defaults.RotationPolicyDays).WarningThreshold.ShouldNotBeNull();
        RotationPolicy.Assess(DateTime.UtcNow.AddDays(-(firstWarned - 1)), DateTime.UtcNow, Defaults.RotationPolicyDays).WarningThreshold.ShouldBeNull();
    }

    private static async Task<int> AddAsync(TenantsTestPortal portal, string name, string tag, int ageDays, bool withSecret = true, int? reviewedDaysAgo = null)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem, Ct);
        // A minute more than whole days, so a test running across midnight still counts the same days.
        var then = DateTime.UtcNow.AddDays(-ageDays).AddMinutes(-1);
        var tenant = new Tenant
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = "https://filters.example/console", UemApiUrl = "https://filters.example/api",
            UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = "client", CreatedUtc = then, CreatedBy = "test", UpdatedUtc = then, UpdatedBy = "test",
        };
        tenant.Tags.Add(new TenantTag { Name = tag });
        db.Add(tenant);
        await db.SaveChangesAsync(Ct);
        if (withSecret)
        {
            db.Add(new TenantSecret { TenantId = tenant.Id, Kind = TenantSecretKind.UemClientSecret, ProtectedValue = "protected", Fingerprint = "sha256:000000000000", SecretSetUtc = then, SetBy = "test" });
        }

        if (reviewedDaysAgo is { } days)
        {
            db.Add(new TenantStatusSnapshot { TenantId = tenant.Id, Status = ConnectionStatus.Stale, StatusSinceUtc = then, LastAttestedUtc = DateTime.UtcNow.AddDays(-days), LastAttestedBy = "lena" });
        }

        await db.SaveChangesAsync(Ct);
        return tenant.Id;
    }
}
