using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Api;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Api;

/// <summary>The REST API under /api/v1 on the real portal: every endpoint, token authentication, roles and scope, secrets, validation.</summary>
public sealed class ApiTests
{
    private const string Canary = "Canary-Secret-7f3a9c1e5b";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryEndpoint_AdminToken_AnswersAndNoResponseEverContainsASecret()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var na = await portal.RegionAsync(RegionProduct.Uem, "na");
        var na1 = await portal.RegionAsync(RegionProduct.Intelligence, "na1");
        var token = await portal.TokenForAsync("ada-api", [Roles.Admin]);
        using var api = portal.ApiClient(token);
        var bodies = new List<string>();
        async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await api.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            bodies.Add(text);
            response.StatusCode.ShouldBe(expected, $"{method} {path}: {text}");
            return text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
        }

        var created = await SendAsync(HttpMethod.Post, "/api/v1/tenants", Model("Contoso", "contoso", na.Id, secrets: true, na1.Id), HttpStatusCode.Created);
        var id = created.GetProperty("tenant").GetProperty("id").GetInt32();
        created.GetProperty("tenant").GetProperty("secrets").EnumerateArray().Count(s => s.GetProperty("isSet").GetBoolean()).ShouldBe(3);
        var plain = (await SendAsync(HttpMethod.Post, "/api/v1/tenants", Model("Fabrikam", "fabrikam", na.Id, secrets: false), HttpStatusCode.Created))
            .GetProperty("tenant").GetProperty("id").GetInt32();

        var list = await SendAsync(HttpMethod.Get, "/api/v1/tenants?search=conto&pageSize=10", null, HttpStatusCode.OK);
        list.GetProperty("totalCount").GetInt32().ShouldBe(1);
        list.GetProperty("items")[0].GetProperty("displayName").GetString().ShouldBe("Contoso");
        (await SendAsync(HttpMethod.Get, "/api/v1/tenants?page=1&pageSize=1", null, HttpStatusCode.OK)).GetProperty("items").GetArrayLength().ShouldBe(1);
        var tenant = await SendAsync(HttpMethod.Get, $"/api/v1/tenants/{id}", null, HttpStatusCode.OK);
        var edit = Model("Contoso Ltd", "contoso", na.Id, secrets: false);
        edit["version"] = tenant.GetProperty("version").GetGuid();
        edit["newUemApiKey"] = Canary + "-rotated";
        (await SendAsync(HttpMethod.Put, $"/api/v1/tenants/{id}", edit, HttpStatusCode.OK)).GetProperty("tenant").GetProperty("displayName").GetString().ShouldBe("Contoso Ltd");

        (await SendAsync(HttpMethod.Get, "/api/v1/status", null, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32().ShouldBe(2);
        (await SendAsync(HttpMethod.Get, $"/api/v1/status/{id}", null, HttpStatusCode.OK)).GetProperty("status").GetProperty("tenantName").GetString().ShouldBe("Contoso Ltd");
        (await SendAsync(HttpMethod.Post, $"/api/v1/status/{id}/check", null, HttpStatusCode.OK)).GetProperty("message").GetString().ShouldStartWith("Checked");
        (await SendAsync(HttpMethod.Get, $"/api/v1/status/{id}/history", null, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32().ShouldBeGreaterThan(0);
        (await SendAsync(HttpMethod.Get, $"/api/v1/setup/{id}", null, HttpStatusCode.OK)).GetProperty("phase").GetString().ShouldBe("NotStarted");

        var audit = await SendAsync(HttpMethod.Get, "/api/v1/audit?action=tenant.create", null, HttpStatusCode.OK);
        audit.GetProperty("entries").GetArrayLength().ShouldBe(2);
        (await SendAsync(HttpMethod.Post, "/api/v1/audit/verify", null, HttpStatusCode.OK)).GetProperty("isIntact").GetBoolean().ShouldBeTrue();
        using (var csv = await api.GetAsync("/api/v1/audit/export.csv", Ct))
        {
            csv.StatusCode.ShouldBe(HttpStatusCode.OK);
            csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
            var text = await csv.Content.ReadAsStringAsync(Ct);
            text.ShouldContain("tenant.update");
            bodies.Add(text);
        }

        (await SendAsync(HttpMethod.Post, $"/api/v1/tenants/{plain}/archive", null, HttpStatusCode.OK)).GetProperty("tenant").GetProperty("isArchived").GetBoolean().ShouldBeTrue();
        (await SendAsync(HttpMethod.Get, "/api/v1/tenants?status=archived", null, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32().ShouldBe(1);

        foreach (var body in bodies)
        {
            body.ShouldNotContain(Canary);
        }

        (await portal.DatabaseAtRestAsync()).AsSpan().IndexOf(Encoding.UTF8.GetBytes(token)).ShouldBe(-1, "the token is stored only as a hash");
    }

    [Fact]
    public async Task Authentication_MissingUnknownRevokedExpiredDisabledOrCookie_Gets401ProblemDetails()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var revoked = await portal.TokenForAsync("rita", [Roles.Helpdesk]);
        var expired = await portal.TokenForAsync("rita", [Roles.Helpdesk]);
        var disabled = await portal.TokenForAsync("dave", [Roles.Helpdesk]);
        var valid = await portal.TokenForAsync("rita", [Roles.Helpdesk]);
        using (var ok = portal.ApiClient(valid))
        {
            (await ok.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await using (var rita = portal.Services.ScopeFor("rita", Roles.Helpdesk))
        {
            var tokens = rita.ServiceProvider.GetRequiredService<ApiTokenService>();
            var id = (await tokens.ListAsync(Ct)).Single(t => revoked.StartsWith(t.Prefix, StringComparison.Ordinal)).Id;
            (await tokens.RevokeAsync(id, Ct)).ShouldBeNull();
        }

        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            // Time passing: the token's expiry is now behind us.
            var hash = ApiTokenFormat.Hash(expired);
            await db.Set<ApiToken>().Where(t => t.TokenHash == hash).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1)), Ct);
        }

        await using (var admin = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            (await admin.ServiceProvider.GetRequiredService<UserAdminService>().SetDisabledAsync(ActingUser.UserIdOf("dave"), true, Ct)).Succeeded.ShouldBeTrue();
        }

        foreach (var (token, reason) in new (string?, string)[]
        {
            (null, "Send an API token"), ("cpt_" + new string('A', 43), "not known"), ("not-a-portal-token", "start with cpt_"),
            (revoked, "revoked"), (expired, "expired"), (disabled, "disabled"),
        })
        {
            using var http = portal.ApiClient(token);
            using var response = await http.GetAsync("/api/v1/tenants", Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, reason);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            problem.GetProperty("status").GetInt32().ShouldBe(401);
            problem.GetProperty("detail").GetString()!.ShouldContain(reason);
        }

        // A signed-in browser's cookie does not authenticate the API: no cross-site request can use it.
        using var browser = portal.CreatePortalClient();
        (await browser.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await browser.Http.GetAsync("/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.Http.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await browser.Http.PostAsJsonAsync("/api/v1/tenants", new { displayName = "Via cookie" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Authorization_RoleAndScopeAreTheUsersCurrentOnes_RefusedOnTheServer()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var na = await portal.RegionAsync(RegionProduct.Uem, "na");
        int contoso, fabrikam;
        await using (var admin = portal.Services.ScopeFor("ada", Roles.Admin))
        {
            var tenants = admin.ServiceProvider.GetRequiredService<TenantService>();
            contoso = (await tenants.CreateAsync(Edit("Contoso", "contoso", na.Id), Ct)).Id!.Value;
            fabrikam = (await tenants.CreateAsync(Edit("Fabrikam", "fabrikam", na.Id), Ct)).Id!.Value;
        }

        // A Helpdesk token scoped to tag "fabrikam" cannot reach a tenant tagged "contoso", by any endpoint.
        using (var helen = portal.ApiClient(await portal.TokenForAsync("helen", [Roles.Helpdesk], null, "fabrikam")))
        {
            (await helen.GetFromJsonAsync<JsonElement>("/api/v1/tenants", Ct)).GetProperty("totalCount").GetInt32().ShouldBe(1);
            (await helen.GetAsync($"/api/v1/tenants/{fabrikam}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, $"/api/v1/tenants/{contoso}"), (HttpMethod.Get, $"/api/v1/status/{contoso}"), (HttpMethod.Get, $"/api/v1/status/{contoso}/history"),
                (HttpMethod.Get, $"/api/v1/setup/{contoso}"), (HttpMethod.Post, $"/api/v1/status/{contoso}/check"), (HttpMethod.Post, $"/api/v1/tenants/{contoso}/archive"),
            })
            {
                using var response = await helen.SendAsync(new HttpRequestMessage(method, path), Ct);
                response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{method} {path}");
                (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("Contoso");
            }

            var hijack = Edit("Contoso hacked", "fabrikam", na.Id);
            (await helen.PutAsJsonAsync($"/api/v1/tenants/{contoso}", hijack, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await helen.GetFromJsonAsync<JsonElement>("/api/v1/status", Ct)).GetProperty("totalCount").GetInt32().ShouldBe(1);
            (await helen.PostAsync("/api/v1/audit/verify", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        portal.Audit.Events.Where(e => e.Outcome == Portal.Features.Audit.AuditOutcome.Denied && e.TenantId == contoso.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(e => e.Action).ShouldContain("tenant.read");

        // An Auditor reads but cannot create, change, archive or check.
        using (var audrey = portal.ApiClient(await portal.TokenForAsync("audrey", [Roles.Auditor])))
        {
            (await audrey.GetAsync($"/api/v1/tenants/{contoso}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            using var create = await audrey.PostAsJsonAsync("/api/v1/tenants", Edit("Northwind", "northwind", na.Id), Ct);
            create.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            create.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await create.Content.ReadAsStringAsync(Ct)).ShouldContain("Helpdesk");
            (await audrey.PostAsync($"/api/v1/tenants/{contoso}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await audrey.PostAsync($"/api/v1/status/{contoso}/check", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await audrey.PostAsync("/api/v1/audit/verify", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // A role removed in the portal stops the token's next request: roles are read per request, not baked into the token.
        using (var hugo = portal.ApiClient(await portal.TokenForAsync("hugo", [Roles.Helpdesk])))
        {
            (await hugo.PostAsync($"/api/v1/tenants/{contoso}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await using (var admin = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
            {
                (await admin.ServiceProvider.GetRequiredService<UserAdminService>().SetRolesAsync(ActingUser.UserIdOf("hugo"), [Roles.Auditor], Ct)).Succeeded.ShouldBeTrue();
            }

            (await hugo.PostAsync($"/api/v1/tenants/{fabrikam}/archive", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Validation_BadFieldsAndStaleVersion_ProblemDetailsNamingTheFieldAndNothingSaved()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var na = await portal.RegionAsync(RegionProduct.Uem, "na");
        using var api = portal.ApiClient(await portal.TokenForAsync("helen", [Roles.Helpdesk]));

        var bad = Model("", "contoso", na.Id, secrets: true);
        bad["uemConsoleUrl"] = "ftp://not-a-console";
        using (var response = await api.PostAsJsonAsync("/api/v1/tenants", bad, Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var text = await response.Content.ReadAsStringAsync(Ct);
            text.ShouldNotContain(Canary);
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
            errors.GetProperty("displayName")[0].GetString()!.ShouldStartWith("Display name");
            errors.GetProperty("uemConsoleUrl")[0].GetString()!.ShouldContain("console URL", Case.Insensitive);
        }

        (await api.GetFromJsonAsync<JsonElement>("/api/v1/tenants?status=all", Ct)).GetProperty("totalCount").GetInt32().ShouldBe(0);
        using (var response = await api.GetAsync("/api/v1/tenants?status=gone", Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").GetProperty("status")[0].GetString()!.ShouldContain("archived");
        }

        var created = await (await api.PostAsJsonAsync("/api/v1/tenants", Model("Contoso", "contoso", na.Id, secrets: false), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("tenant").GetProperty("id").GetInt32();
        var staleVersion = created.GetProperty("tenant").GetProperty("version").GetGuid();
        var first = Model("Contoso A", "contoso", na.Id, secrets: false);
        first["version"] = staleVersion;
        (await api.PutAsJsonAsync($"/api/v1/tenants/{id}", first, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = Model("Contoso B", "contoso", na.Id, secrets: false);
        second["version"] = staleVersion;
        using (var conflict = await api.PutAsJsonAsync($"/api/v1/tenants/{id}", second, Ct))
        {
            conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            var problem = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync(Ct)).RootElement;
            problem.GetProperty("changes")[0].GetProperty("field").GetString().ShouldBe("Display name");
            problem.GetProperty("currentVersion").GetGuid().ShouldNotBe(staleVersion);
        }

        (await api.GetAsync("/api/v1/tenants/999999", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TokenUse_ReadsOncePerDayWritesAlways_AuditedAndOnlyOwnerOrAdminRevokes()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var na = await portal.RegionAsync(RegionProduct.Uem, "na");
        var token = await portal.TokenForAsync("helen", [Roles.Helpdesk]);
        var other = await portal.TokenForAsync("hank", [Roles.Helpdesk]);
        portal.Audit.Events.Count(e => e.Action == ApiTokenService.Created).ShouldBe(2);
        using var api = portal.ApiClient(token);
        for (var i = 0; i < 3; i++)
        {
            (await api.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await api.PostAsJsonAsync("/api/v1/tenants", Model("Contoso", "contoso", na.Id, secrets: false), Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await api.PostAsJsonAsync("/api/v1/tenants", Model("Fabrikam", "fabrikam", na.Id, secrets: false), Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var uses = portal.Audit.Events.Where(e => e.Action == ApiTokenService.Used).ToList();
        uses.Count(u => u.Details!["scope"] == "first read today").ShouldBe(1);
        uses.Count(u => u.Details!["scope"] == "write").ShouldBe(2);
        uses.ShouldAllBe(u => u.Details!["token"] == ApiTokenFormat.PrefixOf(token));
        portal.Audit.Events.ShouldNotContain(e => e.Details != null && e.Details.Values.Any(v => v != null && v.Contains(token, StringComparison.Ordinal)));

        // Hank cannot revoke Helen's token; an Admin can, and it stops at once.
        int helensId;
        await using (var helen = portal.Services.ScopeFor("helen", Roles.Helpdesk))
        {
            helensId = (await helen.ServiceProvider.GetRequiredService<ApiTokenService>().ListAsync(Ct)).ShouldHaveSingleItem().Id;
        }

        await using (var hank = portal.Services.ScopeFor("hank", Roles.Helpdesk))
        {
            var tokens = hank.ServiceProvider.GetRequiredService<ApiTokenService>();
            (await tokens.ListAsync(Ct)).ShouldHaveSingleItem().Prefix.ShouldBe(ApiTokenFormat.PrefixOf(other));
            (await tokens.RevokeAsync(helensId, Ct)).ShouldNotBeNull();
        }

        (await api.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using (var admin = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            var tokens = admin.ServiceProvider.GetRequiredService<ApiTokenService>();
            (await tokens.ListAsync(Ct)).Count.ShouldBe(2);
            (await tokens.RevokeAsync(helensId, Ct)).ShouldBeNull();
        }

        (await api.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        portal.Audit.Events.ShouldContain(e => e.Action == ApiTokenService.Revoked && e.Outcome == Portal.Features.Audit.AuditOutcome.Denied);
        portal.Audit.Events.ShouldContain(e => e.Action == ApiTokenService.Revoked && e.Outcome == Portal.Features.Audit.AuditOutcome.Success && e.Details!["owner"] == "helen");
    }

    [Fact]
    public async Task TokenCreation_BadNameOrPastExpiry_FieldMessagesAndNoToken()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        await portal.TokenForAsync("helen", [Roles.Helpdesk]);
        await using var helen = portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var tokens = helen.ServiceProvider.GetRequiredService<ApiTokenService>();
        var result = await tokens.CreateAsync(" ", DateTime.UtcNow.AddDays(-1), Ct);
        result.Succeeded.ShouldBeFalse();
        result.Errors["Name"].ShouldHaveSingleItem().ShouldStartWith("Name:");
        result.Errors["ExpiresUtc"].ShouldHaveSingleItem().ShouldContain("future");
        (await tokens.ListAsync(Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task RateLimit_BeyondThePerTokenLimit_429WithRetryAfterAndOtherTokensUnaffected()
    {
        await using var portal = await TenantsTestPortal.StartAsync(p => p.WithSetting("Api:RequestsPerMinute", "3"));
        using var api = portal.ApiClient(await portal.TokenForAsync("helen", [Roles.Helpdesk]));
        for (var i = 0; i < 3; i++)
        {
            (await api.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var limited = await api.GetAsync("/api/v1/tenants", Ct);
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        limited.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await limited.Content.ReadAsStringAsync(Ct)).ShouldContain("Retry-After");

        using var other = portal.ApiClient(await portal.TokenForAsync("hank", [Roles.Helpdesk]));
        (await other.GetAsync("/api/v1/tenants", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    internal static Dictionary<string, object?> Model(string name, string tags, int regionId, bool secrets, int? intelligenceRegionId = null) => new()
    {
        ["displayName"] = name,
        ["uemConsoleUrl"] = "https://cn1234.awmdm.com",
        ["uemApiUrl"] = "https://as1234.awmdm.com",
        ["uemRegionId"] = regionId,
        ["tagsText"] = tags,
        ["oAuthClientId"] = "client-1",
        ["newUemClientSecret"] = secrets ? Canary + "-client" : null,
        ["newUemApiKey"] = secrets ? Canary + "-apikey" : null,
        ["intelligenceClientId"] = secrets ? "intel-client" : null,
        ["intelligenceRegionId"] = intelligenceRegionId,
        ["newIntelligenceClientSecret"] = secrets ? Canary + "-intel" : null,
    };

    private static TenantEditModel Edit(string name, string tags, int regionId) => new()
    {
        DisplayName = name,
        UemConsoleUrl = "https://cn1234.awmdm.com",
        UemApiUrl = "https://as1234.awmdm.com",
        UemRegionId = regionId,
        TagsText = tags,
    };
}
