using Microsoft.AspNetCore.Mvc;

namespace Portal.Features.Users;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token (no GET for state changes).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/Account/Logout", async (HttpContext http, [FromServices] SignInService signIn) =>
        {
            await signIn.SignOutAsync(http.User);
            return TypedResults.LocalRedirect("/Account/Login");
        });
        return endpoints;
    }
}
