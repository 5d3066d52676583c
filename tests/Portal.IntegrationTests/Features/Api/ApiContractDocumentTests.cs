using System.Net;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Portal.IntegrationTests.Features.Tenants;

namespace Portal.IntegrationTests.Features.Api;

/// <summary>The API's contract: the OpenAPI document (read back with Microsoft.OpenApi) and the Scalar reference under the portal's CSP.</summary>
public sealed partial class ApiContractDocumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenApiDocument_Served_ValidAndListsExactlyTheApiWithTheBearerScheme()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        using var response = await http.GetAsync("/openapi/v1.json", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));

        var (document, diagnostic) = OpenApiDocument.Load(stream, "json", new OpenApiReaderSettings());

        diagnostic.ShouldNotBeNull().Errors.ShouldBeEmpty();
        document.ShouldNotBeNull();
        document.Info.Title.ShouldBe("Connector Portal API");
        var operations = document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => $"{o.Key.Method} {p.Key}")).ToList();
        operations.ShouldBe(
        [
            "GET /api/v1/tenants", "POST /api/v1/tenants", "GET /api/v1/tenants/{id}", "PUT /api/v1/tenants/{id}", "POST /api/v1/tenants/{id}/archive", "POST /api/v1/tenants/import",
            "GET /api/v1/status", "GET /api/v1/status/{tenantId}", "GET /api/v1/status/{tenantId}/history", "POST /api/v1/status/{tenantId}/check",
            "GET /api/v1/audit", "GET /api/v1/audit/export.csv", "POST /api/v1/audit/verify", "GET /api/v1/setup/{tenantId}",
        ], ignoreOrder: true);
        var scheme = document.Components!.SecuritySchemes!["ApiToken"];
        scheme.Type.ShouldBe(SecuritySchemeType.Http);
        scheme.Scheme.ShouldBe("bearer");
        document.Security.ShouldNotBeNull().ShouldHaveSingleItem().Keys.Single().Reference.Id.ShouldBe("ApiToken");
        var get = document.Paths["/api/v1/tenants/{id}"].Operations![HttpMethod.Get];
        get.Responses!.Keys.ShouldContain("401");
        get.Responses.Keys.ShouldContain("403");
        document.Paths["/api/v1/tenants"].Operations![HttpMethod.Post].RequestBody.ShouldNotBeNull();
    }

    [Fact]
    public async Task Scalar_Served_ScriptsAreLocalAndAllowedOnlyByThisResponsesNonce()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        using var response = await http.GetAsync("/scalar/", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Regex.Match(csp, "script-src 'self' 'nonce-([^']+)'").Groups[1].Value;
        nonce.Length.ShouldBeGreaterThan(10, csp);
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        scripts.ShouldNotBeEmpty();
        foreach (var script in scripts)
        {
            script.ShouldContain($"nonce=\"{nonce}\"");
            var src = Regex.Match(script, "src=\"([^\"]+)\"").Groups[1].Value;
            (src.Length == 0 || !src.Contains("//", StringComparison.Ordinal)).ShouldBeTrue($"{script} loads from another origin");
            if (src.Length > 0)
            {
                (await http.GetAsync(new Uri(new Uri(portal.BaseAddress, "/scalar/"), src), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, src);
            }
        }

        // The next request gets a different nonce: a nonce seen once cannot be replayed by injected markup.
        using var again = await http.GetAsync("/scalar/", Ct);
        again.Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain(nonce);
        // Other pages keep the strict policy.
        using var login = await http.GetAsync("/Account/Login", Ct);
        login.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self';");
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
