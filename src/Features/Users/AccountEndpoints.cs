using Microsoft.AspNetCore.Mvc;

namespace Portal.Features.Users;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token (no GET for state changes).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/Account/Logout", async ([FromServices] SignInService signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/Account/Login");
        });
        return endpoints;
    }
}
