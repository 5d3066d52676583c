using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Portal.Features.SingleSignOn;
using Portal.Hosting;

namespace Portal.Features.Users;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token (no GET for state changes); without a valid token it is refused.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/Account/Logout", async (HttpContext http, [FromServices] IAntiforgery antiforgery, [FromServices] SignInService signIn, [FromServices] SsoSignOut sso) =>
        {
            // A minimal API without form binding is not checked by UseAntiforgery: validate here, or any site could sign users out.
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest("Sign-out needs the form's antiforgery token. Use the Sign out button in the portal.");
            }

            var idToken = await sso.GetIdTokenAsync(http); // read before the cookie goes
            await signIn.SignOutAsync(http.User);
            if (idToken is not null)
            {
                // Single sign-on: end the provider's session too, then its signed-out page.
                return await sso.GetProviderSignOutUrlAsync(http, idToken) is { } providerSignOut
                    ? SingleSignOnEndpoints.SameOriginHop(providerSignOut)
                    : Results.LocalRedirect(SingleSignOnFeature.SignedOutPath);
            }

            return Results.LocalRedirect("/Account/Login");
        }).WithMetadata(new AllowedDuringPasswordChangeAttribute(), new AllowedDuringMfaEnrolmentAttribute());
        return endpoints;
    }
}
