using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Portal.Features.Regions;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Tenants;

namespace Portal.IntegrationTests.Features.Api;

/// <summary>The API's loose ends: Problem Details for bodies that are not JSON, and response schemas in the OpenAPI document.</summary>
public sealed partial class ApiBodyAndSchemaTests
{
    private const string Canary = "Canary-Secret-body-5d2e";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAndUpdate_MalformedJsonOrWrongContentType_ProblemDetailsNamingTheProblem_AndNothingSaved()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        var na = await portal.RegionAsync(RegionProduct.Uem, "na");
        using var api = portal.ApiClient(await portal.TokenForAsync("helen", [Roles.Helpdesk]));

        var cutOff = await ProblemAsync(await api.PostAsync("/api/v1/tenants", Json("{\"displayName\": \"Contoso\", \"uemRegionId\": "), Ct), HttpStatusCode.BadRequest);
        cutOff.GetProperty("title").GetString().ShouldBe("Malformed JSON body");
        cutOff.GetProperty("detail").GetString()!.ShouldContain("not valid JSON");

        // A secret sent with the wrong type: the field is named, its value is not echoed.
        var wrongType = await api.PostAsync("/api/v1/tenants", Json($"{{\"displayName\": \"Contoso\", \"uemRegionId\": {na.Id}, \"newUemClientSecret\": [\"{Canary}\"]}}"), Ct);
        (await wrongType.Content.ReadAsStringAsync(Ct)).ShouldNotContain(Canary);
        var typed = await ProblemAsync(wrongType, HttpStatusCode.BadRequest);
        typed.GetProperty("field").GetString().ShouldBe("newUemClientSecret");
        typed.GetProperty("detail").GetString()!.ShouldContain("'newUemClientSecret'");
        typed.GetProperty("detail").GetString()!.ShouldContain("wrong type");

        var form = await ProblemAsync(await api.PostAsync("/api/v1/tenants", new FormUrlEncodedContent(new Dictionary<string, string> { ["displayName"] = "Contoso" }), Ct), HttpStatusCode.UnsupportedMediaType);
        form.GetProperty("detail").GetString()!.ShouldContain("Content-Type: application/json");

        (await api.GetFromJsonAsync<JsonElement>("/api/v1/tenants?status=all", Ct)).GetProperty("totalCount").GetInt32().ShouldBe(0);

        var created = await (await api.PostAsJsonAsync("/api/v1/tenants", ApiTests.Model("Contoso", "contoso", na.Id, secrets: false), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("tenant").GetProperty("id").GetInt32();
        var text = await ProblemAsync(await api.PutAsync($"/api/v1/tenants/{id}", new StringContent("{\"displayName\": \"Renamed\"}", Encoding.UTF8, "text/plain"), Ct), HttpStatusCode.UnsupportedMediaType);
        text.GetProperty("detail").GetString()!.ShouldContain("text/plain");
        await ProblemAsync(await api.PutAsync($"/api/v1/tenants/{id}", Json("not json at all"), Ct), HttpStatusCode.BadRequest);
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{id}", Ct)).GetProperty("displayName").GetString().ShouldBe("Contoso");
    }

    [Fact]
    public async Task OpenApiDocument_EveryEndpointHasAResponseSchema_AndNoResponseSchemaHasASecretValue()
    {
        await using var portal = await TenantsTestPortal.StartAsync();
        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        using var stream = new MemoryStream(await http.GetByteArrayAsync("/openapi/v1.json", Ct));
        var (document, diagnostic) = OpenApiDocument.Load(stream, "json", new OpenApiReaderSettings());
        diagnostic.ShouldNotBeNull().Errors.ShouldBeEmpty();

        var responseSchemas = new List<(string Operation, IOpenApiSchema Schema)>();
        foreach (var (path, pathItem) in document!.Paths)
        {
            foreach (var (method, operation) in pathItem.Operations!)
            {
                var success = operation.Responses!.Where(r => r.Key.StartsWith('2')).ToList();
                success.ShouldNotBeEmpty($"{method} {path}");
                foreach (var (_, response) in success)
                {
                    var schema = response.Content?.Values.FirstOrDefault()?.Schema;
                    schema.ShouldNotBeNull($"{method} {path} has no response schema");
                    responseSchemas.Add(($"{method} {path}", schema));
                }

                foreach (var (code, response) in operation.Responses!.Where(r => r.Key.StartsWith('4')))
                {
                    response.Content.ShouldNotBeNull($"{method} {path} {code}").Keys.ShouldContain("application/problem+json");
                }
            }
        }

        var list = document.Paths["/api/v1/tenants"].Operations![HttpMethod.Get].Responses!["200"].Content!["application/json"].Schema!;
        var item = list.Properties!["items"].Items!;
        item.Properties!.Keys.ShouldBe(["id", "displayName", "customerReference", "uemRegion", "intelligenceRegion", "tags", "isArchived", "updatedUtc", "updatedBy"], ignoreOrder: true);
        var verify = document.Paths["/api/v1/audit/verify"].Operations![HttpMethod.Post].Responses!["200"].Content!["application/json"].Schema!;
        verify.Properties!.Keys.ShouldContain("isIntact");
        document.Paths["/api/v1/tenants"].Operations![HttpMethod.Post].Responses!.Keys.ShouldContain("201");
        document.Paths["/api/v1/tenants"].Operations![HttpMethod.Post].RequestBody!.Content!.Keys.ShouldContain("application/json");

        // A secret's value would be a string: no response carries a string property named like one (states and fingerprints are fine).
        var visited = new HashSet<IOpenApiSchema>(ReferenceEqualityComparer.Instance);
        var offenders = responseSchemas.SelectMany(r => SecretLikeStrings(r.Schema, r.Operation, visited)).ToList();
        offenders.ShouldBeEmpty();
    }

    private static IEnumerable<string> SecretLikeStrings(IOpenApiSchema schema, string where, HashSet<IOpenApiSchema> visited)
    {
        var target = schema is OpenApiSchemaReference reference ? reference.Target ?? schema : schema;
        if (!visited.Add(target))
        {
            yield break;
        }

        foreach (var (name, property) in target.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            var resolved = property is OpenApiSchemaReference r ? r.Target ?? property : property;
            if (SecretName().IsMatch(name) && resolved.Type is { } type && type.HasFlag(JsonSchemaType.String))
            {
                yield return $"{where}: {name}";
            }

            foreach (var inner in SecretLikeStrings(property, $"{where}.{name}", visited))
            {
                yield return inner;
            }
        }

        foreach (var child in new[] { target.Items }.Concat(target.AllOf ?? []).Concat(target.AnyOf ?? []).Concat(target.OneOf ?? []).OfType<IOpenApiSchema>())
        {
            foreach (var inner in SecretLikeStrings(child, where, visited))
            {
                yield return inner;
            }
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(expected, text);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    [GeneratedRegex("secret|password|apikey|api_key|token$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
