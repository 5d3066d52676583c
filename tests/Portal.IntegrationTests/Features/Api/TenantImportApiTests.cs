using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Tenants;

namespace Portal.IntegrationTests.Features.Api;

/// <summary>POST /api/v1/tenants/import over real HTTP with real tokens: dry run, import valid/all, refusals, nothing half-saved.</summary>
public sealed class TenantImportApiTests
{
    private const string Header = "DisplayName,UemConsoleUrl,UemApiUrl,UemRegion,UemTokenUrl,Tags,Notes";

    private static readonly string Mixed = string.Join("\n",
        Header,
        "Contoso,https://cn101.awmdm.com,https://as101.awmdm.com,na,,pilot,",
        "Fabrikam,https://cn102.awmdm.com,https://as102.awmdm.com,emea,,,",
        "Bad Url Co,https://cn 103.awmdm.com,https://as103.awmdm.com,na,,,",
        "Mismatch Co,https://cn104.awmdm.com,https://as104.awmdm.com,na,https://emea.uemauth.workspaceone.com/connect/token,,",
        "Formula Co,https://cn107.awmdm.com,https://as107.awmdm.com,na,,,\"=HYPERLINK(\"\"https://evil.example\"\",\"\"open\"\")\"") + "\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Csv(string text, string contentType = "text/csv") => new(text, Encoding.UTF8, contentType);

    [Fact]
    public async Task DryRunThenImport_ReportsEachRowsErrors_AllRefusedWhileErrors_ValidOnlyCreatesTheGoodOnes()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        using var api = portal.ApiClient(await portal.TokenForAsync("helen", [Roles.Helpdesk]));

        using var dry = await api.PostAsync("/api/v1/tenants/import", Csv(Mixed), Ct);
        dry.StatusCode.ShouldBe(HttpStatusCode.OK);
        var preview = await dry.Content.ReadFromJsonAsync<JsonElement>(Ct);
        preview.GetProperty("mode").GetString().ShouldBe("dry-run");
        preview.GetProperty("validCount").GetInt32().ShouldBe(2);
        preview.GetProperty("invalidCount").GetInt32().ShouldBe(3);
        var rows = preview.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("line").GetInt64());
        rows[4].GetProperty("errors")[0].GetProperty("column").GetString().ShouldBe("UemConsoleUrl");
        rows[5].GetProperty("errors")[0].GetProperty("column").GetString().ShouldBe("UemTokenUrl");
        rows[6].GetProperty("errors")[0].GetProperty("column").GetString().ShouldBe("Notes");
        (await TenantCountAsync(portal)).ShouldBe(0, "a dry run saves nothing");

        using var all = await api.PostAsync("/api/v1/tenants/import?mode=all", Csv(Mixed), Ct);
        all.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        all.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var refused = await all.Content.ReadFromJsonAsync<JsonElement>(Ct);
        refused.GetProperty("detail").GetString()!.ShouldContain("nothing was imported");
        refused.GetProperty("rows").GetArrayLength().ShouldBe(3);
        (await TenantCountAsync(portal)).ShouldBe(0, "all rows or nothing");

        using var valid = await api.PostAsync("/api/v1/tenants/import?mode=valid&fileName=onboarding.csv", Csv(Mixed), Ct);
        valid.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await valid.Content.ReadFromJsonAsync<JsonElement>(Ct);
        report.GetProperty("imported").EnumerateArray().Select(t => t.GetProperty("displayName").GetString()).ShouldBe(["Contoso", "Fabrikam"], ignoreOrder: true);
        (await TenantCountAsync(portal)).ShouldBe(2);
        portal.Audit.Events.ShouldContain(e => e.Action == "tenant.import" && e.Details!.Values.Any(v => v != null && v.Contains("onboarding.csv", StringComparison.Ordinal)));

        // Imported again: both names now exist, so every row is an error and nothing more is created.
        using var again = await api.PostAsync("/api/v1/tenants/import?mode=valid", Csv(Mixed), Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await TenantCountAsync(portal)).ShouldBe(2);
    }

    [Fact]
    public async Task Refusals_RoleModeContentTypeSecretColumnAndScope_ProblemDetailsAndNothingSaved()
    {
        await using var portal = await TenantsTestPortal.StartAsync();

        using (var audrey = portal.ApiClient(await portal.TokenForAsync("audrey", [Roles.Auditor])))
        {
            using var denied = await audrey.PostAsync("/api/v1/tenants/import?mode=valid", Csv(Mixed), Ct);
            denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            denied.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        using var api = portal.ApiClient(await portal.TokenForAsync("helen", [Roles.Helpdesk]));
        using (var badMode = await api.PostAsync("/api/v1/tenants/import?mode=everything", Csv(Mixed), Ct))
        {
            badMode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await badMode.Content.ReadAsStringAsync(Ct)).ShouldContain("mode: use dry-run");
        }

        using (var json = await api.PostAsync("/api/v1/tenants/import?mode=valid", Csv("{}", "application/json"), Ct))
        {
            json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
            (await json.Content.ReadAsStringAsync(Ct)).ShouldContain("Content-Type: text/csv");
        }

        const string secret = "Canary-Import-Secret-77f1";
        using (var secretColumn = await api.PostAsync("/api/v1/tenants/import?mode=valid",
                   Csv($"DisplayName,UemConsoleUrl,UemApiUrl,UemRegion,ClientSecret\nX,https://cn1.awmdm.com,https://as1.awmdm.com,na,{secret}\n"), Ct))
        {
            secretColumn.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await secretColumn.Content.ReadAsStringAsync(Ct)).ShouldNotContain(secret);
        }

        // A scoped Helpdesk token: rows without one of the user's tags are errors, only in-scope rows land.
        using (var scoped = portal.ApiClient(await portal.TokenForAsync("sam", [Roles.Helpdesk], null, "pilot")))
        {
            using var response = await scoped.PostAsync("/api/v1/tenants/import?mode=valid", Csv(Mixed), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            report.GetProperty("imported").EnumerateArray().Select(t => t.GetProperty("displayName").GetString()).ShouldBe(["Contoso"]);
            report.GetProperty("rows").EnumerateArray().ShouldContain(r => r.GetProperty("displayName").GetString() == "Fabrikam"
                && r.GetProperty("errors").EnumerateArray().Any(e => e.GetProperty("column").GetString() == "Tags"));
        }

        (await TenantCountAsync(portal)).ShouldBe(1);
    }

    private static async Task<int> TenantCountAsync(TenantsTestPortal portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<Portal.Features.Tenants.Tenant>().CountAsync(Ct);
    }
}
