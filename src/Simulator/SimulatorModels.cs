namespace Portal.Simulator;

/// <summary>Organization group type as UEM reports it in <c>LocationGroupType</c>.</summary>
public enum SimOrganizationGroupType
{
    Customer,
    Container,
}

public sealed record SimOrganizationGroup(int Id, Guid Uuid, string Name, string GroupId, SimOrganizationGroupType Type, int? ParentId);

public sealed record SimRole(string Name, IReadOnlySet<string> Permissions);

/// <summary>A UEM OAuth client as created in Groups &amp; Settings → Configurations → OAuth Client Management.</summary>
public sealed class SimOAuthClient(string clientId, string secret, string name, string description, Guid organizationGroupUuid, string roleName)
{
    public string ClientId { get; } = clientId;
    public string Secret { get; set; } = secret;
    public string Name { get; } = name;
    public string Description { get; } = description;
    public Guid OrganizationGroupUuid { get; } = organizationGroupUuid;
    public string RoleName { get; set; } = roleName;
    public bool Enabled { get; set; } = true;
    private readonly DailyCounter _usage = new();

    /// <summary>Calls (tokens and API requests) made by this client on the current UTC day.</summary>
    public long DailyUsage => _usage.Value;

    public void CountUse(DateTimeOffset now) => _usage.Increment(now);
}

/// <summary>A counter that restarts at 0 each UTC day, like UEM's <c>daily_quota_usage</c>.</summary>
public sealed class DailyCounter
{
    private readonly Lock _gate = new();
    private DateOnly _day;
    private long _count;

    public long Value
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Increment(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        lock (_gate)
        {
            if (today != _day)
            {
                _day = today;
                _count = 0;
            }

            _count++;
        }
    }
}

public sealed record SimApiKey(int Id, Guid Uuid, string ServiceName, string Key, Guid OrganizationGroupUuid);

public sealed record SimDevice(int Id, Guid Uuid, string SerialNumber, string FriendlyName, string Platform, string Model, string UserName, int OrganizationGroupId, string ComplianceStatus, string AntivirusStatus, DateTimeOffset LastSeen);

/// <summary>The outcome of counting one REST API call: whether it may proceed, and the values of the <c>X-RateLimit-*</c> headers.</summary>
public sealed record SimApiRateDecision(bool Allowed, int Limit, int Remaining, long ResetEpochSeconds);

/// <summary>
/// A fixed-window call counter per tenant. Windows are whole seconds aligned to the Unix epoch, so the reset instant is
/// exactly the epoch seconds UEM sends in <c>X-RateLimit-Reset</c>.
/// </summary>
public sealed class SimApiRateWindow
{
    private readonly Lock _gate = new();
    private long _windowIndex = -1;
    private int _count;
    private int? _limit;
    private long? _windowSeconds;

    /// <summary>Gives this tenant its own limit and window (null: the simulator's defaults).</summary>
    public void Configure(int? limit, TimeSpan? window)
    {
        lock (_gate)
        {
            _limit = limit;
            _windowSeconds = window is { } w ? Math.Max(1, (long)w.TotalSeconds) : null;
            _windowIndex = -1;
            _count = 0;
        }
    }

    public SimApiRateDecision Count(DateTimeOffset now, int defaultLimit, TimeSpan defaultWindow)
    {
        lock (_gate)
        {
            var limit = _limit ?? defaultLimit;
            var windowSeconds = _windowSeconds ?? Math.Max(1, (long)defaultWindow.TotalSeconds);
            var index = now.ToUnixTimeSeconds() / windowSeconds;
            if (index != _windowIndex)
            {
                _windowIndex = index;
                _count = 0;
            }

            var reset = (index + 1) * windowSeconds;
            if (_count >= limit)
            {
                return new SimApiRateDecision(false, limit, 0, reset);
            }

            _count++;
            return new SimApiRateDecision(true, limit, limit - _count, reset);
        }
    }
}

public sealed record SimCommand(int DeviceId, string Command, string ClientId, DateTimeOffset At);

/// <summary>
/// One entry of a device's event log (<c>GET /API/mdm/devices/{id}/eventlog</c>, DeviceEventLogEntry). For a command
/// sent with an OAuth token the simulator records <see cref="AdminAccount"/> as the OAuth client's ID: UEM does not
/// document what it shows for OAuth clients (an admin user's name for console and basic-auth actions), so this is the
/// simulator's choice, and the portal's step 6 matches on it.
/// </summary>
public sealed record SimDeviceEvent(int DeviceId, DateTimeOffset At, string Severity, string Source, string Event, string AdminAccount);

/// <summary>A simulated UEM tenant reachable at <c>/tenants/{HostKey}/API</c> (the demo tenant also at <c>/API</c>).</summary>
public sealed class SimTenant(string hostKey, string regionCode, string name)
{
    public string HostKey { get; } = hostKey;
    public string RegionCode { get; } = regionCode;
    public string Name { get; } = name;
    public List<SimOrganizationGroup> OrganizationGroups { get; } = [];
    public Dictionary<string, SimRole> Roles { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<SimOAuthClient> Clients { get; } = [];
    public List<SimApiKey> ApiKeys { get; } = [];
    public List<SimDevice> Devices { get; } = [];
    public List<SimCommand> CommandLog { get; } = [];
    public List<SimDeviceEvent> EventLog { get; } = [];
    public HashSet<Guid> EulaAcceptedBy { get; } = [];

    /// <summary>The REST API call count behind the <c>X-RateLimit-*</c> headers.</summary>
    public SimApiRateWindow ApiRate { get; } = new();

    /// <summary>Daily usage per REST API key, counted when a call carries it as aw-tenant-code.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, DailyCounter> ApiKeyUsage { get; } = new(StringComparer.Ordinal);
}

/// <summary>An Intelligence service account (the JSON file the console downloads).</summary>
public sealed record SimIntelligenceAccount(string ClientId, string Secret, string RegionCode, Guid OrgId);

public enum SimTokenKind
{
    Uem,
    Intelligence,
}

public sealed record SimIssuedToken(string Value, SimTokenKind Kind, string RegionCode, string TenantHostKey, string ClientId, DateTimeOffset ExpiresAt);

/// <summary>Kinds of fault the operator can inject.</summary>
public enum SimFaultKind
{
    /// <summary>Delay the answer by <see cref="SimFault.DelayMilliseconds"/>, then answer normally.</summary>
    Latency,

    /// <summary>429 with <c>Retry-After: RetryAfterSeconds</c>.</summary>
    RateLimit,

    /// <summary>5xx (<see cref="SimFault.StatusCode"/>, default 503) with a UEM error body.</summary>
    ServerError,

    /// <summary>Hold the request until the caller gives up.</summary>
    Timeout,

    /// <summary>200 with a truncated JSON body.</summary>
    MalformedJson,

    /// <summary>204 No Content, UEM's answer to a search with no results.</summary>
    NoContent,

    /// <summary>Tokens are issued by another region's issuer, so the tenant rejects them (401 1024).</summary>
    WrongRegionIssuer,

    /// <summary>Tokens are issued already expired, so every API call answers 401 1029.</summary>
    ExpiredTokens,

    /// <summary>UEM API commands (POST) only: carry the request out, then hold the answer for <see cref="SimFault.DelayMilliseconds"/> (a reply lost after the work was done).</summary>
    SlowReply,
}

/// <summary>Which simulated service a fault applies to.</summary>
public enum SimFaultTarget
{
    Any,
    UemToken,
    UemApi,
    IntelligenceToken,
    IntelligenceApi,
}

/// <summary>An injected fault. <see cref="TenantHostKey"/> or <see cref="ClientId"/> narrow it; null matches all. <see cref="Remaining"/> null = unlimited.</summary>
public sealed record SimFault
{
    public SimFaultKind Kind { get; init; }
    public SimFaultTarget Target { get; init; } = SimFaultTarget.Any;
    public string? TenantHostKey { get; init; }
    public string? ClientId { get; init; }
    public int DelayMilliseconds { get; init; } = 2000;
    public int RetryAfterSeconds { get; init; } = 1;
    public int StatusCode { get; init; } = 503;
    public int? Remaining { get; init; }
}

/// <summary>Shape of one received request: path without prefix, query parameter names, Accept header, whether aw-tenant-code was sent.</summary>
public sealed record SimRequestRecord(string Method, string Path, IReadOnlyList<string> QueryKeys, string? Accept, bool HasTenantCode, string? ContentType);
