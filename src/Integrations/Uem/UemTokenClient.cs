using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization;

namespace Portal.Integrations.Uem;

/// <summary>Token endpoint response fields (RFC 6749 §5.1).</summary>
public sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] SecretString? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("scope")] string? Scope);

/// <summary>
/// OAuth 2.0 client-credentials client for the Workspace ONE token service (<c>…/connect/token</c>), standards-based
/// so it also works against any compliant OAuth server.
/// </summary>
public sealed class UemTokenClient(HttpClient http, TimeProvider time)
{
    public const string Operation = "POST /connect/token";

    public async Task<TokenResponse> RequestTokenAsync(Uri tokenUrl, string clientId, SecretString clientSecret, ClientAuthStyle authStyle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenUrl);
        ArgumentNullException.ThrowIfNull(clientSecret);
        var fields = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl);
        if (authStyle == ClientAuthStyle.BasicHeader)
        {
            // RFC 6749 §2.3.1: form-encode id and secret before base64.
            var pair = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret.Reveal())}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            fields.Add(new("client_id", clientId));
            fields.Add(new("client_secret", clientSecret.Reveal()));
        }

        request.Content = new FormUrlEncodedContent(fields);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await IntegrationHttp.SendAsync(http, request, IntegrationStage.Token, Operation, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await IntegrationHttp.ErrorAsync(response, IntegrationStage.Token, Operation, time, cancellationToken);
        }

        var body = await IntegrationHttp.ReadJsonAsync<OAuthTokenResponse>(response, IntegrationStage.Token, Operation, cancellationToken);
        if (body.AccessToken is null || body.AccessToken.IsEmpty)
        {
            throw new IntegrationException(IntegrationFailureKind.MalformedResponse, IntegrationStage.Token, Operation, tokenUrl, "The token response has no access_token.") { StatusCode = (int)response.StatusCode };
        }

        return new TokenResponse(body.AccessToken, body.TokenType ?? "Bearer", body.ExpiresIn ?? 3600, body.Scope);
    }
}

/// <summary>Cached UEM tokens for a connection. Sits outside the API client's retry pipeline, so retries never fetch tokens.</summary>
public sealed class UemTokenProvider(UemTokenClient client, AccessTokenCache cache)
{
    public Task<CachedAccessToken> GetTokenAsync(UemConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return cache.GetAsync(
            connection.TokenCacheKey,
            ct => client.RequestTokenAsync(connection.TokenUrl, connection.ClientId, connection.ClientSecret, connection.AuthStyle, ct),
            cancellationToken);
    }

    public void Invalidate(UemConnection connection, CachedAccessToken rejected)
    {
        ArgumentNullException.ThrowIfNull(connection);
        cache.Invalidate(connection.TokenCacheKey, rejected);
    }
}
