using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Portal.Integrations;

/// <summary>What a token endpoint returned.</summary>
public sealed record TokenResponse(SecretString AccessToken, string TokenType, int ExpiresInSeconds, string? Scope = null);

/// <summary>A cached token. Reference identity matters: invalidation only removes the exact token that failed.</summary>
public sealed class CachedAccessToken(SecretString value, string tokenType, DateTimeOffset receivedAt, DateTimeOffset expiresAt)
{
    public SecretString Value { get; } = value;

    public string TokenType { get; } = tokenType;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>From <c>expires_in</c> and the local clock at receipt (not the JWT <c>exp</c>), so server clock skew does not matter.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
}

/// <summary>
/// Client-credentials token cache: reuse until expiry minus skew, one in-flight request per key (concurrent callers
/// share it), and targeted invalidation after a 401.
/// </summary>
public sealed class AccessTokenCache(TimeProvider time, IOptionsMonitor<TokenCacheOptions> options, IMeterFactory? meters = null)
{
    // Counted where a token is really requested from a token service, not for cache hits (portal_token_requests_total).
    private readonly Counter<long>? _tokenRequests = meters?.Create(PortalMeter.Name)
        .CreateCounter<long>("portal.token.requests", "{request}", "Tokens requested from a token service (cache misses), by outcome.");

    private readonly ConcurrentDictionary<string, CachedAccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedAccessToken>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Cache key: token URL + client id + secret fingerprint, so a changed secret never reuses an old token.</summary>
    public static string Key(Uri tokenUrl, string clientId, SecretString secret)
    {
        ArgumentNullException.ThrowIfNull(tokenUrl);
        ArgumentNullException.ThrowIfNull(secret);
        return $"{tokenUrl.AbsoluteUri}|{clientId}|{secret.Fingerprint}";
    }

    public async Task<CachedAccessToken> GetAsync(string key, Func<CancellationToken, Task<TokenResponse>> fetch, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(key, out var cached) && IsFresh(cached))
        {
            return cached;
        }

        var flight = _inFlight.GetOrAdd(key, k => new Lazy<Task<CachedAccessToken>>(() => FetchAsync(k, fetch)));
        try
        {
            // One caller's cancellation must not cancel the shared request.
            return await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (flight.IsValueCreated && flight.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<CachedAccessToken>>>(key, flight));
            }
        }
    }

    /// <summary>
    /// Drops every token fetched for <paramref name="clientId"/> (any secret, any token URL): called when a stored secret
    /// is replaced or removed, so a token bought with the old secret is not kept for the rest of its lifetime.
    /// </summary>
    public int ForgetClient(string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        var marker = $"|{clientId}|";
        var dropped = 0;
        foreach (var key in _tokens.Keys.Where(k => k.Contains(marker, StringComparison.Ordinal)))
        {
            dropped += _tokens.TryRemove(key, out _) ? 1 : 0;
        }

        return dropped;
    }

    /// <summary>How many tokens are cached for <paramref name="clientId"/> (for diagnostics and tests).</summary>
    public int CountForClient(string clientId) => _tokens.Keys.Count(k => k.Contains($"|{clientId}|", StringComparison.Ordinal));

    /// <summary>Drops <paramref name="rejected"/> if it is still the cached token (concurrent 401s cause one refresh).</summary>
    public void Invalidate(string key, CachedAccessToken rejected) =>
        _tokens.TryRemove(new KeyValuePair<string, CachedAccessToken>(key, rejected));

    private async Task<CachedAccessToken> FetchAsync(string key, Func<CancellationToken, Task<TokenResponse>> fetch)
    {
        // Another flight may have finished between the cache check and this one starting.
        if (_tokens.TryGetValue(key, out var cached) && IsFresh(cached))
        {
            return cached;
        }

        TokenResponse response;
        try
        {
            response = await fetch(CancellationToken.None);
        }
        catch
        {
            _tokenRequests?.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            throw;
        }

        _tokenRequests?.Add(1, new KeyValuePair<string, object?>("outcome", "issued"));
        var receivedAt = time.GetUtcNow();
        var token = new CachedAccessToken(response.AccessToken, response.TokenType, receivedAt, receivedAt.AddSeconds(Math.Max(0, response.ExpiresInSeconds)));
        _tokens[key] = token;
        return token;
    }

    private bool IsFresh(CachedAccessToken token)
    {
        var lifetime = token.ExpiresAt - token.ReceivedAt;
        // A short-lived token would otherwise never count as fresh: cap the skew at half its lifetime.
        var skew = TimeSpan.FromSeconds(Math.Min(options.CurrentValue.RefreshSkewSeconds, lifetime.TotalSeconds / 2));
        return time.GetUtcNow() < token.ExpiresAt - skew;
    }
}
