using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>Marks an endpoint a user may reach while their password must be changed: the change page itself and sign-out.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowedDuringPasswordChangeAttribute : Attribute;

/// <summary>
/// Sends a user whose password must be changed to the change-password page before anything else. Decided by the
/// endpoint, not by the shape of the path: only anonymous endpoints (sign-in, static assets, health) and those marked
/// <see cref="AllowedDuringPasswordChangeAttribute"/> answer; every page, export and API redirects.
/// </summary>
public sealed class PasswordChangeGate(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && context.User.MustChangePasswordNow()
            && !IsAllowed(context.GetEndpoint()))
        {
            var path = context.Request.Path.Value ?? "/";
            context.Response.Redirect("/Account/ChangePassword?ReturnUrl=" + Uri.EscapeDataString(path));
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static bool IsAllowed(Endpoint? endpoint) =>
        endpoint is not null
        && (endpoint.Metadata.GetMetadata<AllowedDuringPasswordChangeAttribute>() is not null
            || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null);
}
