using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>
/// Sends a user whose password must be changed to the change-password page before anything else.
/// Interactive pages need a full page load to start a circuit, so gating HTTP requests is enough.
/// </summary>
public sealed class PasswordChangeGate(RequestDelegate next)
{
    private static readonly string[] AllowedPrefixes = ["/Account/", "/_framework/", "/_content/", "/health/"];

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (context.User.Identity?.IsAuthenticated == true
            && context.User.MustChangePasswordNow()
            && !AllowedPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            && !Path.HasExtension(path))
        {
            context.Response.Redirect("/Account/ChangePassword?ReturnUrl=" + Uri.EscapeDataString(path));
            return Task.CompletedTask;
        }

        return next(context);
    }
}
