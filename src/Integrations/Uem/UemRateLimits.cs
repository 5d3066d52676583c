using System.Collections.Concurrent;

namespace Portal.Integrations.Uem;

/// <summary>
/// The latest <c>X-RateLimit-*</c> reading of each UEM tenant (keyed by its REST API base, since tenants may share a
/// host), kept from every response so that checks can warn before calls run out.
/// </summary>
public sealed class UemRateLimits
{
    private readonly ConcurrentDictionary<string, RateLimitReading> _latest = new(StringComparer.OrdinalIgnoreCase);

    public void Record(Uri apiBase, RateLimitReading reading)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        _latest[apiBase.AbsoluteUri] = reading;
    }

    public RateLimitReading? Latest(Uri apiBase)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        return _latest.GetValueOrDefault(apiBase.AbsoluteUri);
    }
}
