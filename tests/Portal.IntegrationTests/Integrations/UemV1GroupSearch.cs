using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Portal.Integrations.Uem;

namespace Portal.IntegrationTests.Integrations;

/// <summary>
/// The v1 OG search (<c>LocationGroups</c>, <c>Id.Value</c>). The portal calls only v2; the simulator still serves v1 and
/// the contract tests check that shape, so its call and models live here, sent as <see cref="UemApiClient"/> sends its calls.
/// </summary>
public static class UemV1GroupSearch
{
    public static async Task<UemLocationGroupSearchResult> SearchLocationGroupsAsync(this IntegrationsTestPortal harness, UemConnection connection, string groupId, CancellationToken cancellationToken)
    {
        var token = await harness.Tokens.GetTokenAsync(connection, cancellationToken);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.ApiBase, "system/groups/search?groupid=" + Uri.EscapeDataString(groupId)));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value.Reveal());
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;version=1"));
        if (connection.ApiKey is { IsEmpty: false } apiKey)
        {
            request.Headers.TryAddWithoutValidation("aw-tenant-code", apiKey.Reveal());
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<UemLocationGroupSearchResult>(cancellationToken) ?? throw new InvalidOperationException("Empty v1 group search body.");
    }
}

/// <summary><c>GET /API/system/groups/search</c> v1 (LocationGroupSearchResult).</summary>
public sealed record UemLocationGroupSearchResult(
    [property: JsonPropertyName("LocationGroups")] IReadOnlyList<UemLocationGroup>? LocationGroups,
    [property: JsonPropertyName("Page")] int? Page,
    [property: JsonPropertyName("PageSize")] int? PageSize,
    [property: JsonPropertyName("Total")] int? Total);

public sealed record UemLocationGroup(
    [property: JsonPropertyName("Id")] UemEntityId? Id,
    [property: JsonPropertyName("Uuid")] Guid? Uuid,
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("GroupId")] string? GroupId,
    [property: JsonPropertyName("LocationGroupType")] string? LocationGroupType);
