using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization;
using Portal.Integrations.Uem;

namespace Portal.Integrations.Intelligence;

/// <summary>
/// An Intelligence service account: <paramref name="TokenEndpoint"/> is the <c>tokenEndpoint</c> from its JSON file
/// (auth. host); <paramref name="ApiBaseUrl"/> is the api. host every other call uses.
/// </summary>
public sealed record IntelligenceConnection(Uri TokenEndpoint, Uri ApiBaseUrl, string ClientId, SecretString ClientSecret)
{
    public string TokenCacheKey => AccessTokenCache.Key(TokenEndpoint, ClientId, ClientSecret);

    public static IntelligenceConnection ForRegion(IntelligenceRegion region, string clientId, SecretString clientSecret)
    {
        ArgumentNullException.ThrowIfNull(region);
        return new(region.TokenEndpoint, region.ApiBaseUrl, clientId, clientSecret);
    }
}

/// <summary>Paged search body (<c>offset</c>, <c>page_size</c> 1–1000).</summary>
public sealed record IntelligencePageRequest(
    [property: JsonPropertyName("offset")] int Offset = 0,
    [property: JsonPropertyName("page_size")] int PageSize = 10);

public sealed record IntelligencePage<T>(
    [property: JsonPropertyName("offset")] int? Offset,
    [property: JsonPropertyName("page_size")] int? PageSize,
    [property: JsonPropertyName("total_count")] long? TotalCount,
    [property: JsonPropertyName("results")] IReadOnlyList<T>? Results);

public sealed record IntelligenceEnvelope<T>([property: JsonPropertyName("data")] IntelligencePage<T>? Data);

public sealed record IntelligenceEntity(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("description")] string? Description);

public sealed record IntelligenceReport(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("entity")] string? Entity,
    [property: JsonPropertyName("report_type")] string? ReportType,
    [property: JsonPropertyName("modified_at")] string? ModifiedAt);

/// <summary>Intelligence token: <c>POST {tokenEndpoint}?grant_type=client_credentials</c>, Basic auth, no body.</summary>
public sealed class IntelligenceTokenClient(HttpClient http, TimeProvider time)
{
    public const string Operation = "POST /oauth/token";

    public async Task<TokenResponse> RequestTokenAsync(IntelligenceConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var builder = new UriBuilder(connection.TokenEndpoint) { Query = "grant_type=client_credentials" };
        using var request = new HttpRequestMessage(HttpMethod.Post, builder.Uri);
        var pair = $"{connection.ClientId}:{connection.ClientSecret.Reveal()}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await IntegrationHttp.SendAsync(http, request, IntegrationStage.Token, Operation, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await IntegrationHttp.ErrorAsync(response, IntegrationStage.Token, Operation, time, cancellationToken);
        }

        var body = await IntegrationHttp.ReadJsonAsync<OAuthTokenResponse>(response, IntegrationStage.Token, Operation, cancellationToken);
        if (body.AccessToken is null || body.AccessToken.IsEmpty)
        {
            throw new IntegrationException(IntegrationFailureKind.MalformedResponse, IntegrationStage.Token, Operation, builder.Uri, "The token response has no access_token.");
        }

        return new TokenResponse(body.AccessToken, body.TokenType ?? "bearer", body.ExpiresIn ?? 3599, body.Scope);
    }
}

/// <summary>Intelligence V2 API client on the api. host, with cached tokens and one refresh-and-retry on 401.</summary>
public sealed class IntelligenceClient(HttpClient http, IntelligenceTokenClient tokenClient, AccessTokenCache cache, TimeProvider time)
{
    public const string EntitiesOperation = "POST /v2/metadata/entities";
    public const string ReportsOperation = "POST /v2/reports/search";

    /// <summary>Cheap authenticated probe: lists one metadata entity.</summary>
    public async Task<IntelligencePage<IntelligenceEntity>> ProbeAsync(IntelligenceConnection connection, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, "v2/metadata/entities", new IntelligencePageRequest(0, 1), EntitiesOperation, cancellationToken);
        var envelope = await IntegrationHttp.ReadJsonAsync<IntelligenceEnvelope<IntelligenceEntity>>(response, IntegrationStage.Api, EntitiesOperation, cancellationToken);
        return envelope.Data ?? new IntelligencePage<IntelligenceEntity>(0, 0, 0, []);
    }

    public async Task<IntelligencePage<IntelligenceReport>> SearchReportsAsync(IntelligenceConnection connection, IntelligencePageRequest page, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, "v2/reports/search", page, ReportsOperation, cancellationToken);
        var envelope = await IntegrationHttp.ReadJsonAsync<IntelligenceEnvelope<IntelligenceReport>>(response, IntegrationStage.Api, ReportsOperation, cancellationToken);
        return envelope.Data ?? new IntelligencePage<IntelligenceReport>(0, 0, 0, []);
    }

    public Task<CachedAccessToken> GetTokenAsync(IntelligenceConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return cache.GetAsync(connection.TokenCacheKey, ct => tokenClient.RequestTokenAsync(connection, ct), cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(IntelligenceConnection connection, string path, IntelligencePageRequest body, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var baseText = connection.ApiBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseText), path));
        request.Options.Set(BearerTokenHandler.TokenSourceKey, new IntelligenceTokenSource(this, cache, connection));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // Buffered so the retry pipeline can resend it.
        request.Content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await IntegrationHttp.SendAsync(http, request, IntegrationStage.Api, operation, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await IntegrationHttp.ErrorAsync(response, IntegrationStage.Api, operation, time, cancellationToken);
            }
        }

        return response;
    }

    private sealed class IntelligenceTokenSource(IntelligenceClient client, AccessTokenCache cache, IntelligenceConnection connection) : IAccessTokenSource
    {
        public Task<CachedAccessToken> GetTokenAsync(CancellationToken cancellationToken) => client.GetTokenAsync(connection, cancellationToken);

        public void Invalidate(CachedAccessToken rejected) => cache.Invalidate(connection.TokenCacheKey, rejected);
    }
}
