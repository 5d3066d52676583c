using System.Net;
using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class BearerTokenHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Source : IAccessTokenSource
    {
        private int _issued;

        public List<string> Invalidated { get; } = [];

        public Task<CachedAccessToken> GetTokenAsync(CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _issued);
            return Task.FromResult(new CachedAccessToken(SecretString.Create($"token-{n}"), "Bearer", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue));
        }

        public void Invalidate(CachedAccessToken rejected) => Invalidated.Add(rejected.Value.Reveal());
    }

    private sealed class Stub(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _call;

        public List<string?> SeenTokens { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            SeenTokens.Add(request.Headers.Authorization?.Parameter);
            return Task.FromResult(new HttpResponseMessage(statuses[Math.Min(_call++, statuses.Length - 1)]));
        }
    }

    private static async Task<(HttpStatusCode Status, Stub Stub, Source Source)> SendAsync(params HttpStatusCode[] statuses)
    {
        var stub = new Stub(statuses);
        var source = new Source();
        using var invoker = new HttpMessageInvoker(new BearerTokenHandler { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://as1.awmdm.com/API/system/info");
        request.Options.Set(BearerTokenHandler.TokenSourceKey, source);
        using var response = await invoker.SendAsync(request, Ct);
        return (response.StatusCode, stub, source);
    }

    [Fact]
    public async Task SendAsync_Success_AttachesTokenOnce()
    {
        var (status, stub, source) = await SendAsync(HttpStatusCode.OK);

        status.ShouldBe(HttpStatusCode.OK);
        stub.SeenTokens.ShouldBe(["token-1"]);
        source.Invalidated.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_Unauthorized_RefreshesOnceAndRetriesOnce()
    {
        var (status, stub, source) = await SendAsync(HttpStatusCode.Unauthorized, HttpStatusCode.OK);

        status.ShouldBe(HttpStatusCode.OK);
        stub.SeenTokens.ShouldBe(["token-1", "token-2"]);
        source.Invalidated.ShouldBe(["token-1"]);
    }

    [Fact]
    public async Task SendAsync_UnauthorizedTwice_ReturnsSecond401WithoutLooping()
    {
        var (status, stub, _) = await SendAsync(HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        stub.SeenTokens.Count.ShouldBe(2);
    }
}
