using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Integrations.Uem;

// Field names follow the UEM 2604 OpenAPI documents exactly (contract tests compare them).

/// <summary><c>GET /API/system/info</c> (ServiceDocument, v1).</summary>
public sealed record UemSystemInfo(
    [property: JsonPropertyName("ProductName")] string? ProductName,
    [property: JsonPropertyName("ProductVersion")] string? ProductVersion,
    [property: JsonPropertyName("Version")] int? Version);

/// <summary>v1 entity id wrapper: <c>{"Value": 123}</c>.</summary>
public sealed record UemEntityId([property: JsonPropertyName("Value")] long Value);

/// <summary><c>GET /API/system/groups/search</c> v2 (OrganizationGroupPagedSearchResultModel).</summary>
public sealed record UemOrganizationGroupSearchResult(
    [property: JsonPropertyName("OrganizationGroups")] IReadOnlyList<UemOrganizationGroup>? OrganizationGroups,
    [property: JsonPropertyName("TotalResults")] int? TotalResults);

public sealed record UemOrganizationGroup(
    [property: JsonPropertyName("Id")] int Id,
    [property: JsonPropertyName("Uuid")] Guid Uuid,
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("GroupId")] string? GroupId,
    [property: JsonPropertyName("LocationGroupType")] string? LocationGroupType)
{
    public bool IsCustomerType => string.Equals(LocationGroupType, "Customer", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>GET /API/system/v2/groups/{uuid}/api-keys</c> (RestApiGeneralV2Model).</summary>
public sealed record UemApiKeysResult(
    [property: JsonPropertyName("api_keys")] IReadOnlyList<UemApiKeyEntry>? ApiKeys,
    [property: JsonPropertyName("oauth_clients")] IReadOnlyList<UemOAuthClientEntry>? OAuthClients);

public sealed record UemApiKeyEntry(
    [property: JsonPropertyName("service_name")] string? ServiceName,
    [property: JsonPropertyName("api_key")] SecretString? ApiKey,
    [property: JsonPropertyName("daily_quota_usage")] long? DailyQuotaUsage);

public sealed record UemOAuthClientEntry(
    [property: JsonPropertyName("oauth_client_name")] string? Name,
    [property: JsonPropertyName("oauth_client_id")] string? ClientId,
    [property: JsonPropertyName("daily_quota_usage")] long? DailyQuotaUsage);

/// <summary><c>GET /API/mdm/devices/search</c> v1 (DeviceSearchResultExtended).</summary>
public sealed record UemDeviceSearchResult(
    [property: JsonPropertyName("Devices")] IReadOnlyList<UemDevice>? Devices,
    [property: JsonPropertyName("Page")] int? Page,
    [property: JsonPropertyName("PageSize")] int? PageSize,
    [property: JsonPropertyName("Total")] int? Total);

public sealed record UemDevice(
    [property: JsonPropertyName("Id")] UemEntityId? Id,
    [property: JsonPropertyName("Uuid")] Guid? Uuid,
    [property: JsonPropertyName("SerialNumber")] string? SerialNumber,
    [property: JsonPropertyName("DeviceFriendlyName")] string? DeviceFriendlyName,
    [property: JsonPropertyName("UserName")] string? UserName,
    [property: JsonPropertyName("Platform")] string? Platform,
    [property: JsonPropertyName("Model")] string? Model,
    [property: JsonPropertyName("ComplianceStatus")] string? ComplianceStatus,
    [property: JsonPropertyName("LastSeen")] string? LastSeen);

/// <summary>Device search filters (v1 parameter names). Page is 0-based.</summary>
public sealed record UemDeviceQuery(string? User = null, string? Platform = null, string? Model = null, int? OrganizationGroupId = null, int Page = 0, int PageSize = 500);

/// <summary><c>GET /API/mdm/devices/{id}/eventlog</c> v1 (DeviceEventLogSearchResult).</summary>
public sealed record UemDeviceEventLog(
    [property: JsonPropertyName("DeviceEventLogEntries")] IReadOnlyList<UemDeviceEvent>? Entries,
    [property: JsonPropertyName("Page")] int? Page,
    [property: JsonPropertyName("PageSize")] int? PageSize,
    [property: JsonPropertyName("Total")] int? Total);

/// <summary>One DeviceEventLogEntry. <c>TimeStamp</c> is a string whose format UEM does not specify: see <see cref="At"/>.</summary>
public sealed record UemDeviceEvent(
    [property: JsonPropertyName("Severity")] string? Severity,
    [property: JsonPropertyName("TimeStamp")] string? TimeStamp,
    [property: JsonPropertyName("Source")] string? Source,
    [property: JsonPropertyName("Event")] string? Event,
    [property: JsonPropertyName("AdminAccount")] string? AdminAccount)
{
    /// <summary>
    /// The time stamp in UTC, or null when unreadable. ISO 8601 and the documented example's "6/13/2017 4:00:02 AM"
    /// both parse; a value without an offset is taken as UTC (UEM's API times are UTC).
    /// </summary>
    [JsonIgnore]
    public DateTime? At =>
        DateTimeOffset.TryParse(TimeStamp, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at)
            ? at.UtcDateTime
            : null;
}

/// <summary><c>GET /API/system/groups/{uuid}/intelligence/eula</c> (IntelligenceEulaModelV1).</summary>
public sealed record UemIntelligenceEula(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email_address")] string? EmailAddress,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("company_name")] string? CompanyName,
    [property: JsonPropertyName("company_address")] string? CompanyAddress,
    [property: JsonPropertyName("eula")] string? Eula)
{
    /// <summary>The EULA counts as accepted once someone's name is recorded against it.</summary>
    public bool IsAccepted => !string.IsNullOrEmpty(Name);
}

/// <summary>UEM error body (BaseExceptionModel).</summary>
public sealed record UemErrorBody(
    [property: JsonPropertyName("errorCode")] int? ErrorCode,
    [property: JsonPropertyName("message")] JsonElement? Message,
    [property: JsonPropertyName("activityId")] string? ActivityId);
