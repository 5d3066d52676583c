using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Portal.Simulator;

/// <summary>All mutable simulator state. Singleton; every member is thread-safe.</summary>
public sealed class SimulatorState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimTenant> _tenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SimIntelligenceAccount> _intelligenceAccounts = [];
    private readonly ConcurrentDictionary<string, SimIssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly List<SimFault> _faults = [];

    public SimulatorState(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        SimulatorDemo.Seed(this);
    }

    public TimeProvider Time { get; }

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
        var token = new SimIssuedToken(value, kind, regionCode, tenantHostKey, clientId, Time.GetUtcNow() + lifetime);
        _tokens[value] = token;
        return token;
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

    public void RecordRequest(string method, string path) => _requests.AddOrUpdate($"{method} {path}", 1, (_, n) => n + 1);

    /// <summary>Keeps the last 500 requests' shape (never header values other than Accept) for contract tests.</summary>
    public void RecordRequestDetail(SimRequestRecord record)
    {
        _recent.Enqueue(record);
        while (_recent.Count > 500 && _recent.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<SimRequestRecord> RecentRequests => [.. _recent];

    /// <summary>Request counts keyed by "METHOD /path" (prefix removed).</summary>
    public IReadOnlyDictionary<string, int> RequestLog => new Dictionary<string, int>(_requests, StringComparer.Ordinal);

    /// <summary>Number of requests whose path ends with <paramref name="pathSuffix"/> (e.g. "/connect/token").</summary>
    public int CountRequests(string pathSuffix) =>
        _requests.Where(r => r.Key.EndsWith(pathSuffix, StringComparison.OrdinalIgnoreCase)).Sum(r => r.Value);

    public void ClearRequestLog() => _requests.Clear();

    public void RecordCommand(SimTenant tenant, SimCommand command)
    {
        lock (_gate)
        {
            tenant.CommandLog.Add(command);
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
