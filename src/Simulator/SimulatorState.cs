using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Portal.Simulator;

/// <summary>All mutable simulator state, bounded by <see cref="SimulatorLimits"/>. Singleton; every member is thread-safe.</summary>
public sealed class SimulatorState
{
    /// <summary>Below the token cap, expired tokens are swept at most this often (a sweep walks every token).</summary>
    private static readonly TimeSpan TokenSweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>Generated devices have ids above this one.</summary>
    public const int GeneratedDeviceIdBase = 1_000_000;

    private readonly Lock _gate = new();
    private readonly Lock _tokenGate = new();
    private readonly Lock _requestKeysGate = new();
    private readonly Dictionary<string, SimTenant> _tenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SimIntelligenceAccount> _intelligenceAccounts = [];
    private readonly ConcurrentDictionary<string, SimIssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly List<SimFault> _faults = [];
    private DateTimeOffset _nextTokenSweep = DateTimeOffset.MinValue;

    public SimulatorState(TimeProvider? time = null, SimulatorLimits? limits = null)
    {
        Time = time ?? TimeProvider.System;
        Limits = limits ?? SimulatorLimits.Default;
        SimulatorDemo.Seed(this);
    }

    public TimeProvider Time { get; }

    public SimulatorLimits Limits { get; }

    /// <summary>UEM token lifetime (real service: 1 hour).</summary>
    public TimeSpan UemTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Intelligence token lifetime (real service: 3599 s).</summary>
    public TimeSpan IntelligenceTokenLifetime { get; set; } = TimeSpan.FromSeconds(3599);

    /// <summary>Region served by the root <c>/connect/token</c> path.</summary>
    public string DefaultRegion { get; set; } = SimulatorDemo.TenantRegion;

    /// <summary>Tenant served by the root <c>/API</c> path.</summary>
    public string DefaultTenantHostKey { get; set; } = SimulatorDemo.TenantHostKey;

    public void AddTenant(SimTenant tenant)
    {
        lock (_gate)
        {
            _tenants[tenant.HostKey] = tenant;
        }
    }

    public void AddIntelligenceAccount(SimIntelligenceAccount account)
    {
        lock (_gate)
        {
            _intelligenceAccounts.Add(account);
        }
    }

    public SimTenant? FindTenant(string hostKey)
    {
        lock (_gate)
        {
            return _tenants.GetValueOrDefault(hostKey);
        }
    }

    public IReadOnlyList<SimTenant> Tenants
    {
        get
        {
            lock (_gate)
            {
                return [.. _tenants.Values];
            }
        }
    }

    /// <summary>Finds a client among the tenants of one region: a client from another region is unknown here.</summary>
    public (SimTenant Tenant, SimOAuthClient Client)? FindClient(string regionCode, string clientId)
    {
        lock (_gate)
        {
            foreach (var tenant in _tenants.Values.Where(t => string.Equals(t.RegionCode, regionCode, StringComparison.OrdinalIgnoreCase)))
            {
                var client = tenant.Clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.OrdinalIgnoreCase));
                if (client is not null)
                {
                    return (tenant, client);
                }
            }

            return null;
        }
    }

    public SimOAuthClient? FindClientAnywhere(string clientId)
    {
        lock (_gate)
        {
            return _tenants.Values.SelectMany(t => t.Clients).FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.OrdinalIgnoreCase));
        }
    }

    public SimIntelligenceAccount? FindIntelligenceAccount(string clientId)
    {
        lock (_gate)
        {
            return _intelligenceAccounts.FirstOrDefault(a => string.Equals(a.ClientId, clientId, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> devices to a tenant's Customer group (serials <c>FLEET000001</c>…, ids from 1,000,001), for
    /// tests of large fleets. Cheap: every device shares its strings except the serial. Call it before traffic to the tenant.
    /// </summary>
    public IReadOnlyList<SimDevice> AddGeneratedDevices(string tenantHostKey, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            var tenant = _tenants.GetValueOrDefault(tenantHostKey) ?? throw new KeyNotFoundException($"Unknown tenant '{tenantHostKey}'.");
            if (tenant.Devices.Count + count > Limits.MaxDevicesPerTenant)
            {
                throw new SimulatorLimitExceededException(
                    $"Tenant '{tenant.HostKey}' would hold {tenant.Devices.Count + count} devices; the simulator's limit is {Limits.MaxDevicesPerTenant}.");
            }

            var og = tenant.OrganizationGroups.First(o => o.Type == SimOrganizationGroupType.Customer).Id;
            var seenAt = Time.GetUtcNow();
            var first = tenant.Devices.Count(d => d.Id > GeneratedDeviceIdBase) + 1;
            var added = Enumerable.Range(first, count)
                .Select(n => new SimDevice(GeneratedDeviceIdBase + n, new Guid(n, 0, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0x0F), string.Create(CultureInfo.InvariantCulture, $"FLEET{n:D6}"),
                    "Fleet device", "WinRT", "Latitude 5440", "fleet", og, "Compliant", "Pass", seenAt))
                .ToList();
            tenant.Devices.AddRange(added);
            return added;
        }
    }

    /// <summary>Gives one tenant its own REST API rate limit (null: <see cref="SimulatorLimits.UemApiCallsPerWindow"/> per <see cref="SimulatorLimits.UemApiRateWindow"/>).</summary>
    public void SetApiRateLimit(string tenantHostKey, int? callsPerWindow, TimeSpan? window)
    {
        var tenant = FindTenant(tenantHostKey) ?? throw new KeyNotFoundException($"Unknown tenant '{tenantHostKey}'.");
        tenant.ApiRate.Configure(callsPerWindow, window);
    }

    /// <summary>Counts one REST API call of the tenant against its rate window.</summary>
    public SimApiRateDecision CountApiCall(SimTenant tenant) =>
        tenant.ApiRate.Count(Time.GetUtcNow(), Limits.UemApiCallsPerWindow, Limits.UemApiRateWindow);

    /// <summary>Creates an OAuth client the way the UEM console does; the secret is only returned here.</summary>
    public (string ClientId, string ClientSecret) CreateClient(string tenantHostKey, string name, string description, Guid? organizationGroupUuid, string roleName)
    {
        lock (_gate)
        {
            var tenant = _tenants.GetValueOrDefault(tenantHostKey) ?? throw new KeyNotFoundException($"Unknown tenant '{tenantHostKey}'.");
            var og = organizationGroupUuid ?? tenant.OrganizationGroups.First(o => o.Type == SimOrganizationGroupType.Customer).Uuid;
            if (!tenant.Roles.ContainsKey(roleName))
            {
                throw new KeyNotFoundException($"Unknown role '{roleName}'.");
            }

            if (tenant.Clients.Count >= Limits.MaxClientsPerTenant)
            {
                throw new SimulatorLimitExceededException(
                    $"Tenant '{tenant.HostKey}' already has {tenant.Clients.Count} OAuth clients, the simulator's limit. Reset the simulator to start again.");
            }

            var id = Guid.NewGuid().ToString();
            var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            tenant.Clients.Add(new SimOAuthClient(id, secret, name, description, og, roleName));
            return (id, secret);
        }
    }

    public bool SetClientEnabled(string clientId, bool enabled)
    {
        lock (_gate)
        {
            var client = _tenants.Values.SelectMany(t => t.Clients).FirstOrDefault(c => c.ClientId == clientId);
            if (client is null)
            {
                return false;
            }

            client.Enabled = enabled;
            return true;
        }
    }

    public SimIssuedToken IssueToken(SimTokenKind kind, string regionCode, string tenantHostKey, string clientId, TimeSpan lifetime)
    {
        var value = (kind == SimTokenKind.Uem ? "simuem_" : "simint_") + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var now = Time.GetUtcNow();
        var token = new SimIssuedToken(value, kind, regionCode, tenantHostKey, clientId, now + lifetime);
        // One issuer at a time, so concurrent callers cannot all pass the cap check.
        lock (_tokenGate)
        {
            MakeRoomForToken(now);
            _tokens[value] = token;
        }

        return token;
    }

    /// <summary>Drops tokens expired longer than the retention, then (still at the cap) the earliest-expiring ones.</summary>
    private void MakeRoomForToken(DateTimeOffset now)
    {
        var atCap = _tokens.Count >= Limits.MaxTokens;
        if (!atCap && now < _nextTokenSweep)
        {
            return;
        }

        _nextTokenSweep = now + TokenSweepInterval;
        var forgetBefore = now - Limits.ExpiredTokenRetention;
        foreach (var (key, existing) in _tokens)
        {
            if (existing.ExpiresAt <= forgetBefore)
            {
                _tokens.TryRemove(key, out _);
            }
        }

        // Usually one over (issuers are serialised): a linear scan per drop beats sorting every token.
        for (var excess = _tokens.Count - Limits.MaxTokens + 1; excess > 0 && !_tokens.IsEmpty; excess--)
        {
            _tokens.TryRemove(_tokens.MinBy(t => t.Value.ExpiresAt).Key, out _);
        }
    }

    public SimIssuedToken? FindToken(string value) => _tokens.GetValueOrDefault(value);

    /// <summary>Every token value issued so far (tests check none of them reach a log).</summary>
    public IReadOnlyCollection<string> IssuedTokenValues => [.. _tokens.Keys];

    /// <summary>Expires every token issued so far, as if an hour had passed.</summary>
    public void ExpireAllTokens()
    {
        var now = Time.GetUtcNow().AddSeconds(-1);
        foreach (var (key, token) in _tokens)
        {
            _tokens[key] = token with { ExpiresAt = now };
        }
    }

    public void AddFault(SimFault fault)
    {
        lock (_gate)
        {
            if (_faults.Count >= Limits.MaxFaults)
            {
                throw new SimulatorLimitExceededException(
                    $"{_faults.Count} faults are already injected, the simulator's limit. Clear the faults (DELETE /_operator/faults) first.");
            }

            _faults.Add(fault);
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes the first matching fault (consuming one use of a counted fault).</summary>
    public SimFault? TakeFault(SimFaultTarget target, string? tenantHostKey, string? clientId, Func<SimFaultKind, bool> kinds)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                var matches = (fault.Target == SimFaultTarget.Any || fault.Target == target)
                    && (fault.TenantHostKey is null || string.Equals(fault.TenantHostKey, tenantHostKey, StringComparison.OrdinalIgnoreCase))
                    && (fault.ClientId is null || string.Equals(fault.ClientId, clientId, StringComparison.OrdinalIgnoreCase))
                    && kinds(fault.Kind);
                if (!matches)
                {
                    continue;
                }

                if (fault.Remaining is { } remaining)
                {
                    if (remaining <= 1)
                    {
                        _faults.RemoveAt(i);
                    }
                    else
                    {
                        _faults[i] = fault with { Remaining = remaining - 1 };
                    }
                }

                return fault;
            }

            return null;
        }
    }

    private readonly ConcurrentQueue<SimRequestRecord> _recent = new();

    /// <summary>Counts a request under "METHOD /path"; once <see cref="SimulatorLimits.MaxRequestLogPaths"/> paths are known, new ones count under <see cref="SimulatorLimits.OtherPathsKey"/>.</summary>
    public void RecordRequest(string method, string path)
    {
        var key = $"{method} {path}";
        if (!_requests.ContainsKey(key))
        {
            // New keys are added one at a time so concurrent requests cannot overshoot the cap.
            lock (_requestKeysGate)
            {
                if (!_requests.ContainsKey(key) && _requests.Count - (_requests.ContainsKey(SimulatorLimits.OtherPathsKey) ? 1 : 0) >= Limits.MaxRequestLogPaths)
                {
                    key = SimulatorLimits.OtherPathsKey;
                }

                _requests.AddOrUpdate(key, 1, (_, n) => n + 1);
                return;
            }
        }

        _requests.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    /// <summary>Keeps the newest requests' shape (never header values other than Accept) for contract tests.</summary>
    public void RecordRequestDetail(SimRequestRecord record)
    {
        _recent.Enqueue(record);
        while (_recent.Count > Limits.MaxRecentRequests && _recent.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<SimRequestRecord> RecentRequests => [.. _recent];

    /// <summary>Request counts keyed by "METHOD /path" (prefix removed), plus <see cref="SimulatorLimits.OtherPathsKey"/> past the cap.</summary>
    public IReadOnlyDictionary<string, int> RequestLog => new Dictionary<string, int>(_requests, StringComparer.Ordinal);

    /// <summary>Number of requests whose path ends with <paramref name="pathSuffix"/> (e.g. "/connect/token"); paths past the log's cap are not told apart.</summary>
    public int CountRequests(string pathSuffix) =>
        _requests.Where(r => r.Key.EndsWith(pathSuffix, StringComparison.OrdinalIgnoreCase)).Sum(r => r.Value);

    public void ClearRequestLog() => _requests.Clear();

    public void RecordCommand(SimTenant tenant, SimCommand command)
    {
        lock (_gate)
        {
            tenant.CommandLog.Add(command);
            var excess = tenant.CommandLog.Count - Limits.MaxCommandsPerTenant;
            if (excess > 0)
            {
                tenant.CommandLog.RemoveRange(0, excess); // the oldest go first
            }

            // Like UEM, the command also shows in the device's event log, under the account that sent it.
            AddDeviceEventLocked(tenant, new SimDeviceEvent(command.DeviceId, command.At, "Information", "Console", DeviceEventName(command.Command), command.ClientId));
        }
    }

    /// <summary>Event name of a device command in the event log ("Lock" → "Lock Device Requested"). UEM's exact wording is not documented.</summary>
    public static string DeviceEventName(string command) =>
        string.Equals(command, "Lock", StringComparison.OrdinalIgnoreCase) ? "Lock Device Requested" : command + " Requested";

    public void AddDeviceEvent(string tenantHostKey, SimDeviceEvent entry)
    {
        lock (_gate)
        {
            var tenant = _tenants.GetValueOrDefault(tenantHostKey) ?? throw new KeyNotFoundException($"Unknown tenant '{tenantHostKey}'.");
            AddDeviceEventLocked(tenant, entry);
        }
    }

    private void AddDeviceEventLocked(SimTenant tenant, SimDeviceEvent entry)
    {
        tenant.EventLog.Add(entry);
        var excess = tenant.EventLog.Count - Limits.MaxCommandsPerTenant;
        if (excess > 0)
        {
            tenant.EventLog.RemoveRange(0, excess);
        }
    }

    /// <summary>A device's event log, newest first.</summary>
    public IReadOnlyList<SimDeviceEvent> DeviceEvents(string tenantHostKey, int deviceId)
    {
        lock (_gate)
        {
            return _tenants.TryGetValue(tenantHostKey, out var tenant)
                ? [.. tenant.EventLog.Where(e => e.DeviceId == deviceId).OrderByDescending(e => e.At)]
                : [];
        }
    }

    public IReadOnlyList<SimCommand> Commands(string tenantHostKey)
    {
        lock (_gate)
        {
            return _tenants.TryGetValue(tenantHostKey, out var tenant) ? [.. tenant.CommandLog] : [];
        }
    }

    /// <summary>Back to the seeded demo data: no faults, no tokens, empty logs.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _tenants.Clear();
            _intelligenceAccounts.Clear();
            _faults.Clear();
        }

        _tokens.Clear();
        _requests.Clear();
        _recent.Clear();
        SimulatorDemo.Seed(this);
    }
}
