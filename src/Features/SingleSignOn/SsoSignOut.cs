using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Portal.Features.SingleSignOn;

/// <summary>
/// Ends the provider's session too when a single sign-on user signs out: the provider's end-session endpoint with the
/// ID token as hint, back to the portal's signed-out page. Providers without an end-session endpoint: the portal session ends only.
/// </summary>
public sealed class SsoSignOut(IOptions<OidcOptions> oidc, IOptionsMonitor<OpenIdConnectOptions> openIdOptions, ILogger<SsoSignOut> logger)
{
    private const string IdTokenHint = "portal:id_token_hint";

    /// <summary>The ID token of the current portal session when it was started with single sign-on; read it before the cookie is deleted.</summary>
    public async Task<string?> GetIdTokenAsync(HttpContext http) =>
        oidc.Value.Enabled ? await http.GetTokenAsync(IdentityConstants.ApplicationScheme, "id_token") : null;

    /// <summary>After the portal's own sign-out: where the browser goes next (the provider's end-session URL, or null).</summary>
    public async Task<string?> GetProviderSignOutUrlAsync(HttpContext http, string idToken)
    {
        try
        {
            var configuration = await openIdOptions.Get(SingleSignOnFeature.Scheme).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            if (string.IsNullOrEmpty(configuration.EndSessionEndpoint))
            {
                return null; // the provider publishes no end-session endpoint: its session stays, ours is gone
            }

            var properties = new AuthenticationProperties { RedirectUri = SingleSignOnFeature.SignedOutPath };
            properties.Parameters[IdTokenHint] = idToken; // not serialised into the state parameter
            await http.SignOutAsync(SingleSignOnFeature.Scheme, properties);

            // The handler answered with a redirect to the provider; the endpoint sends a page that moves on instead.
            var endSession = http.Response.Headers.Location.ToString();
            http.Response.Headers.Location = default;
            http.Response.StatusCode = StatusCodes.Status200OK;
            return string.IsNullOrEmpty(endSession) ? null : endSession;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException or TaskCanceledException)
        {
            logger.LogWarning("Signed out of the portal, but the identity provider could not be reached to end its session: {Reason}", ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The ID token as hint (the handler would look for it in the external cookie, which is gone by now). The sign-out
    /// form posts to the portal and the CSP allows forms to post only to the portal ('form-action self'), which browsers
    /// also apply to the redirect after the post: so the endpoint turns the handler's redirect into a page that moves on.
    /// </summary>
    internal static Task OnRedirectToProviderAsync(RedirectContext context)
    {
        if (context.Properties.Parameters.TryGetValue(IdTokenHint, out var hint) && hint is string idToken)
        {
            context.ProtocolMessage.IdTokenHint = idToken;
        }

        return Task.CompletedTask;
    }
}
