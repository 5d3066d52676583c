using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Portal.Features.SingleSignOn;

public static class SingleSignOnEndpoints
{
    public const string ChallengePath = "/Account/SsoChallenge";
    public const string CompletePath = "/Account/SsoComplete";
    public const string RefusedPath = "/Account/SsoRefused";

    public static IEndpointRouteBuilder MapSingleSignOnEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Starts the code flow. A link, not a form: the CSP's form-action 'self' would stop a form's redirect to the provider.
        endpoints.MapGet(ChallengePath, async (HttpContext http, string? returnUrl, [FromServices] IOptions<OidcOptions> oidc,
            [FromServices] IOptionsMonitor<OpenIdConnectOptions> openId, [FromServices] ILogger<SsoSignInHandler> logger) =>
        {
            if (!oidc.Value.Enabled)
            {
                return Results.NotFound();
            }

            try
            {
                // Fetch discovery first, so an unreachable provider gets a page that says so rather than an error page.
                await openId.Get(SingleSignOnFeature.Scheme).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
            {
                logger.LogWarning("Single sign-on unavailable: the identity provider {Authority} could not be reached: {Reason}",
                    oidc.Value.Authority, Integrations.Egress.EgressRefusedException.Find(ex)?.Message ?? ex.InnerException?.Message ?? ex.Message);
                return Results.LocalRedirect("/Account/Login?sso=unreachable");
            }

            var complete = CompletePath + "?returnUrl=" + Uri.EscapeDataString(LocalPath(returnUrl));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = complete }, [SingleSignOnFeature.Scheme]);
        }).AllowAnonymous();

        // The provider's result (in the external cookie) becomes a portal session, or a refusal page.
        endpoints.MapGet(CompletePath, async (HttpContext http, string? returnUrl, [FromServices] SsoSignInHandler handler) =>
        {
            var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme); // one use only
            if (!external.Succeeded)
            {
                return Results.LocalRedirect("/Account/Login?sso=failed");
            }

            var refusal = await handler.SignInAsync(external.Principal, external.Properties?.GetTokenValue("id_token"), http.RequestAborted);
            return refusal == SsoRefusal.None
                ? SameOriginHop(LocalPath(returnUrl))
                : Results.LocalRedirect(RefusedPath + "?reason=" + refusal.ToString().ToLowerInvariant());
        }).AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// A page that moves on to <paramref name="url"/> by itself. The sign-in cookie is SameSite=Strict, and a browser
    /// arriving from the provider's site does not send it along a redirect chain that began there; a navigation started
    /// by a portal page is same-site, so the cookie is sent. Also used at sign-out, where the CSP's form-action 'self'
    /// forbids the sign-out form's redirect to the provider.
    /// </summary>
    public static IResult SameOriginHop(string url)
    {
        var encoded = HtmlEncoder.Default.Encode(url);
        return Results.Content(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={encoded}"><title>Connector Portal</title></head>
            <body><p><a href="{encoded}">Continue</a></p></body></html>
            """, "text/html; charset=utf-8");
    }

    /// <summary>Only local paths: never continue to another site after sign-in.</summary>
    public static string LocalPath(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
