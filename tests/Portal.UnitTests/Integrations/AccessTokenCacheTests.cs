using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class AccessTokenCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Monitor(TokenCacheOptions value) : IOptionsMonitor<TokenCacheOptions>
    {
        public TokenCacheOptions CurrentValue => value;

        public TokenCacheOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<TokenCacheOptions, string?> listener) => null;
    }

    private static (AccessTokenCache Cache, FakeTimeProvider Clock) Create(double skewSeconds = 300)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (new AccessTokenCache(clock, new Monitor(new TokenCacheOptions { RefreshSkewSeconds = skewSeconds })), clock);
    }

    [Fact]
    public async Task GetAsync_WithinLifetimeMinusSkew_ReusesToken()
    {
        var (cache, clock) = Create();
        var calls = 0;
        Task<TokenResponse> Fetch(CancellationToken _) => Task.FromResult(new TokenResponse(SecretString.Create($"t{++calls}"), "Bearer", 3600));

        var first = await cache.GetAsync("k", Fetch, Ct);
        clock.Advance(TimeSpan.FromMinutes(54));
        var second = await cache.GetAsync("k", Fetch, Ct);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var third = await cache.GetAsync("k", Fetch, Ct);

        second.ShouldBeSameAs(first);
        third.ShouldNotBeSameAs(first);
        calls.ShouldBe(2);
        first.ExpiresAt.ShouldBe(first.ReceivedAt.AddHours(1));
    }

    [Fact]
    public async Task GetAsync_ConcurrentCallers_ShareOneFetch()
    {
        var (cache, _) = Create();
        var calls = 0;
        var gate = new TaskCompletionSource();
        async Task<TokenResponse> Fetch(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return new TokenResponse(SecretString.Create("t"), "Bearer", 3600);
        }

        var waiters = Enumerable.Range(0, 50).Select(_ => cache.GetAsync("k", Fetch, Ct)).ToList();
        gate.SetResult();
        var tokens = await Task.WhenAll(waiters);

        calls.ShouldBe(1);
        tokens.Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Invalidate_StaleTokenOnly_SecondInvalidateKeepsRefreshedToken()
    {
        var (cache, _) = Create();
        var calls = 0;
        Task<TokenResponse> Fetch(CancellationToken _) => Task.FromResult(new TokenResponse(SecretString.Create($"t{++calls}"), "Bearer", 3600));
        var stale = await cache.GetAsync("k", Fetch, Ct);

        cache.Invalidate("k", stale);
        var fresh = await cache.GetAsync("k", Fetch, Ct);
        cache.Invalidate("k", stale); // a second caller that saw the same 401
        var again = await cache.GetAsync("k", Fetch, Ct);

        again.ShouldBeSameAs(fresh);
        calls.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_FetchFails_NextCallFetchesAgain()
    {
        var (cache, _) = Create();
        var calls = 0;
        Task<TokenResponse> Fetch(CancellationToken _) => ++calls == 1
            ? Task.FromException<TokenResponse>(new IntegrationException("boom"))
            : Task.FromResult(new TokenResponse(SecretString.Create("t"), "Bearer", 3600));

        await Should.ThrowAsync<IntegrationException>(() => cache.GetAsync("k", Fetch, Ct));
        var token = await cache.GetAsync("k", Fetch, Ct);

        token.Value.Reveal().ShouldBe("t");
    }

    [Fact]
    public void Key_DifferentSecret_DifferentKeyWithoutPlaintext()
    {
        var url = new Uri("https://na.uemauth.workspaceone.com/connect/token");

        var a = AccessTokenCache.Key(url, "client", SecretString.Create("s3cr3t-1"));
        var b = AccessTokenCache.Key(url, "client", SecretString.Create("s3cr3t-2"));

        a.ShouldNotBe(b);
        a.ShouldNotContain("s3cr3t");
    }

    [Fact]
    public async Task ForgetClient_ReplacedSecret_DropsItsTokensAndKeepsOtherClients()
    {
        var (cache, _) = Create();
        var tokenUrl = new Uri("https://na.uemauth.workspaceone.com/connect/token");
        var old = AccessTokenCache.Key(tokenUrl, "client-a", SecretString.Create("old-secret-123"));
        var other = AccessTokenCache.Key(tokenUrl, "client-b", SecretString.Create("other-secret-1"));
        var calls = 0;
        Task<TokenResponse> Fetch(CancellationToken _) => Task.FromResult(new TokenResponse(SecretString.Create($"t{++calls}"), "Bearer", 3600));
        await cache.GetAsync(old, Fetch, Ct);
        await cache.GetAsync(other, Fetch, Ct);

        cache.ForgetClient("client-a").ShouldBe(1);

        cache.CountForClient("client-a").ShouldBe(0);
        cache.CountForClient("client-b").ShouldBe(1);
        (await cache.GetAsync(old, Fetch, Ct)).Value.Reveal().ShouldBe("t3"); // fetched again, not served from the cache
    }
}
