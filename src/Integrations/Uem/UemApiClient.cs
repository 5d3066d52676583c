using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Portal.Integrations.Uem;

/// <summary>
/// Typed client for the UEM REST API. The host comes from the <see cref="UemConnection"/> on each call. Each request
/// pins its <c>Accept: application/json;version=N</c> and, when known, <c>aw-tenant-code</c>; the bearer token (and the
/// one refresh-and-retry on 401) comes from <see cref="BearerTokenHandler"/>.
/// </summary>
public sealed class UemApiClient(HttpClient http, UemTokenProvider tokens, TimeProvider time, UemRateLimits rateLimits)
{
    public const string TenantCodeHeader = "aw-tenant-code";

    public async Task<UemSystemInfo> GetSystemInfoAsync(UemConnection connection, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, HttpMethod.Get, "system/info", 1, "GET /API/system/info", cancellationToken);
        return await IntegrationHttp.ReadJsonAsync<UemSystemInfo>(response, IntegrationStage.Api, "GET /API/system/info", cancellationToken);
    }

    /// <summary>OG search, v2 shape (<c>OrganizationGroups</c>, int <c>Id</c>).</summary>
    public async Task<UemOrganizationGroupSearchResult> SearchOrganizationGroupsAsync(UemConnection connection, string groupId, CancellationToken cancellationToken)
    {
        var query = QueryString.Create("groupid", groupId);
        using var response = await SendAsync(connection, HttpMethod.Get, "system/groups/search" + query, 2, "GET /API/system/groups/search", cancellationToken);
        return await IntegrationHttp.ReadSearchAsync(response, new UemOrganizationGroupSearchResult([], 0), IntegrationStage.Api, "GET /API/system/groups/search", cancellationToken);
    }

    /// <summary>REST API keys and OAuth clients of an OG.</summary>
    public async Task<UemApiKeysResult> GetApiKeysAsync(UemConnection connection, Guid organizationGroupUuid, CancellationToken cancellationToken)
    {
        const string operation = "GET /API/system/v2/groups/{uuid}/api-keys";
        using var response = await SendAsync(connection, HttpMethod.Get, $"system/v2/groups/{organizationGroupUuid}/api-keys", 1, operation, cancellationToken);
        return await IntegrationHttp.ReadSearchAsync(response, new UemApiKeysResult([], []), IntegrationStage.Api, operation, cancellationToken);
    }

    public async Task<UemDeviceSearchResult> SearchDevicesAsync(UemConnection connection, UemDeviceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters.Add(new(name, value));
            }
        }

        Add("user", query.User);
        Add("platform", query.Platform);
        Add("model", query.Model);
        Add("lgid", query.OrganizationGroupId?.ToString(CultureInfo.InvariantCulture));
        Add("page", query.Page.ToString(CultureInfo.InvariantCulture));
        Add("pagesize", query.PageSize.ToString(CultureInfo.InvariantCulture));
        using var response = await SendAsync(connection, HttpMethod.Get, "mdm/devices/search" + QueryString.Create(parameters), 1, "GET /API/mdm/devices/search", cancellationToken);
        return await IntegrationHttp.ReadSearchAsync(response, new UemDeviceSearchResult([], query.Page, query.PageSize, 0), IntegrationStage.Api, "GET /API/mdm/devices/search", cancellationToken);
    }

    /// <summary>
    /// One device by its serial number (mdm v1 <c>GET /API/mdm/devices?searchby=Serialnumber&amp;id=…</c>): one request
    /// however large the fleet, where paging <c>devices/search</c> stops at 10,000 devices. Null when UEM has no such
    /// device (404) or answers 204.
    /// </summary>
    public async Task<UemDevice?> FindDeviceBySerialNumberAsync(UemConnection connection, string serialNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serialNumber);
        const string operation = "GET /API/mdm/devices?searchby=Serialnumber";
        var query = QueryString.Create(new KeyValuePair<string, string?>[] { new("searchby", "Serialnumber"), new("id", serialNumber) });
        try
        {
            using var response = await SendAsync(connection, HttpMethod.Get, "mdm/devices" + query, 1, operation, cancellationToken);
            return await IntegrationHttp.ReadSearchAsync<UemDevice?>(response, null, IntegrationStage.Api, operation, cancellationToken);
        }
        catch (IntegrationException ex) when (ex.StatusCode == 404 && ex.ErrorCode is not null) // UEM's own "device not found", not a wrong host
        {
            return null;
        }
    }

    /// <summary>Sends the Lock command to a device by its integer id. UEM answers 202 Accepted with no body.</summary>
    public async Task LockDeviceAsync(UemConnection connection, long deviceId, CancellationToken cancellationToken)
    {
        var path = $"mdm/devices/{deviceId.ToString(CultureInfo.InvariantCulture)}/commands" + QueryString.Create("command", "Lock");
        using var response = await SendAsync(connection, HttpMethod.Post, path, 1, "POST /API/mdm/devices/{id}/commands?command=Lock", cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new IntegrationException(IntegrationFailureKind.MalformedResponse, IntegrationStage.Api, "POST /API/mdm/devices/{id}/commands?command=Lock", response.RequestMessage!.RequestUri!, $"Lock returned HTTP {(int)response.StatusCode} instead of 202.") { StatusCode = (int)response.StatusCode };
        }
    }

    /// <summary>
    /// One page of a device's event log (mdm v1), newest entries as UEM orders them. A 204 No Content is an empty log.
    /// <paramref name="dayRange"/> limits it to the last N days (0: UEM's default).
    /// </summary>
    public async Task<UemDeviceEventLog> GetDeviceEventLogAsync(UemConnection connection, long deviceId, int page, int pageSize, int dayRange, CancellationToken cancellationToken)
    {
        const string operation = "GET /API/mdm/devices/{id}/eventlog";
        var parameters = new List<KeyValuePair<string, string?>>
        {
            new("page", page.ToString(CultureInfo.InvariantCulture)),
            new("pagesize", pageSize.ToString(CultureInfo.InvariantCulture)),
        };
        if (dayRange > 0)
        {
            parameters.Add(new("dayrange", dayRange.ToString(CultureInfo.InvariantCulture)));
        }

        var path = $"mdm/devices/{deviceId.ToString(CultureInfo.InvariantCulture)}/eventlog" + QueryString.Create(parameters);
        using var response = await SendAsync(connection, HttpMethod.Get, path, 1, operation, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return new UemDeviceEventLog([], page, pageSize, 0);
        }

        return await IntegrationHttp.ReadJsonAsync<UemDeviceEventLog>(response, IntegrationStage.Api, operation, cancellationToken);
    }

    /// <summary>Intelligence EULA state of a Customer OG (404 6231 on other OG types).</summary>
    public async Task<UemIntelligenceEula> GetIntelligenceEulaAsync(UemConnection connection, Guid organizationGroupUuid, CancellationToken cancellationToken)
    {
        const string operation = "GET /API/system/groups/{uuid}/intelligence/eula";
        using var response = await SendAsync(connection, HttpMethod.Get, $"system/groups/{organizationGroupUuid}/intelligence/eula", 1, operation, cancellationToken);
        return await IntegrationHttp.ReadJsonAsync<UemIntelligenceEula>(response, IntegrationStage.Api, operation, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(UemConnection connection, HttpMethod method, string relativePath, int version, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var request = new HttpRequestMessage(method, new Uri(connection.ApiBase, relativePath));
        request.Options.Set(BearerTokenHandler.TokenSourceKey, new UemTokenSource(tokens, connection));
        request.Headers.Accept.Add(IntegrationHttp.VersionedJson(version));
        if (connection.ApiKey is { IsEmpty: false } apiKey)
        {
            request.Headers.TryAddWithoutValidation(TenantCodeHeader, apiKey.Reveal());
        }

        if (method == HttpMethod.Post)
        {
            // Without a JSON content type some UEM calls fall back to XML. Buffered, so retries can resend it.
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var response = await IntegrationHttp.SendAsync(http, request, IntegrationStage.Api, operation, cancellationToken);
        if (RateLimitHeaders.Read(response, time) is { } reading)
        {
            rateLimits.Record(connection.ApiBase, reading);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await IntegrationHttp.ErrorAsync(response, IntegrationStage.Api, operation, time, cancellationToken);
            }
        }

        return response;
    }

    private sealed class UemTokenSource(UemTokenProvider tokens, UemConnection connection) : IAccessTokenSource
    {
        public Task<CachedAccessToken> GetTokenAsync(CancellationToken cancellationToken) => tokens.GetTokenAsync(connection, cancellationToken);

        public void Invalidate(CachedAccessToken rejected) => tokens.Invalidate(connection, rejected);
    }
}
