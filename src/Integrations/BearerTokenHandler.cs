using System.Net;
using System.Net.Http.Headers;

namespace Portal.Integrations;

/// <summary>Where a request's bearer token comes from (set per request: the tenant varies per call).</summary>
public interface IAccessTokenSource
{
    Task<CachedAccessToken> GetTokenAsync(CancellationToken cancellationToken);

    void Invalidate(CachedAccessToken rejected);
}

/// <summary>
/// Client-credentials handler, registered OUTSIDE the resilience handler: retries resend with the token already
/// attached, so a retry never fetches a token. On a 401 it drops the rejected token, fetches one fresh token and
/// resends once.
/// </summary>
public sealed class BearerTokenHandler : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<IAccessTokenSource> TokenSourceKey = new("Portal.Integrations.TokenSource");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Options.TryGetValue(TokenSourceKey, out var source))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var token = await source.GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value.Reveal());
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // Expired (UEM 1029) or revoked: refresh once and retry once; a second 401 is the caller's to diagnose.
        response.Dispose();
        source.Invalidate(token);
        token = await source.GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value.Reveal());
        return await base.SendAsync(request, cancellationToken);
    }
}
