namespace Portal.Integrations.Uem;

/// <summary>How the client authenticates to the token endpoint.</summary>
public enum ClientAuthStyle
{
    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body (Omnissa's SDK; the default).</summary>
    FormBody,

    /// <summary>HTTP Basic <c>Authorization</c> header, body with only <c>grant_type</c>.</summary>
    BasicHeader,
}

/// <summary>
/// One tenant's UEM connection. The REST API host varies by tenant, so every call takes the connection.
/// </summary>
/// <param name="TokenUrl">Region token URL, e.g. https://na.uemauth.workspaceone.com/connect/token.</param>
/// <param name="RestApiUrl">The tenant's REST API URL (e.g. https://as1234.awmdm.com); "/API" is appended by the client.</param>
/// <param name="ClientId">OAuth client id.</param>
/// <param name="ClientSecret">OAuth client secret.</param>
/// <param name="ApiKey">REST API key (aw-tenant-code), sent when known.</param>
/// <param name="OrganizationGroupId">The Customer OG's Group ID, for the OG check.</param>
/// <param name="ApiRegionCode">The region the tenant's API host belongs to (uat/na/emea/apac), when known.</param>
/// <param name="AuthStyle">Client authentication style at the token endpoint.</param>
public sealed record UemConnection(
    Uri TokenUrl,
    Uri RestApiUrl,
    string ClientId,
    SecretString ClientSecret,
    SecretString? ApiKey = null,
    string? OrganizationGroupId = null,
    string? ApiRegionCode = null,
    ClientAuthStyle AuthStyle = ClientAuthStyle.FormBody)
{
    /// <summary>Base of every REST call: <c>{RestApiUrl}/API/</c> (a URL already ending in /API is accepted).</summary>
    public Uri ApiBase
    {
        get
        {
            var text = RestApiUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
            if (text.EndsWith("/API", StringComparison.OrdinalIgnoreCase))
            {
                text = text[..^4];
            }

            return new Uri(text + "/API/");
        }
    }

    public string TokenCacheKey => AccessTokenCache.Key(TokenUrl, ClientId, ClientSecret);
}
