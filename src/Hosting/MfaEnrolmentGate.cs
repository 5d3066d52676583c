using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>Marks an endpoint a user may reach before enrolling in MFA: the enrolment page itself and sign-out.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowedDuringMfaEnrolmentAttribute : Attribute;

/// <summary>
/// Sends a user whose role requires MFA, and who has not enrolled, to enrolment before anything else; the same rule as
/// <see cref="PasswordChangeGate"/>, which goes first (a generated password is replaced before a factor is added).
/// </summary>
public sealed class MfaEnrolmentGate(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && context.User.MustEnrolMfaNow()
            && !context.User.MustChangePasswordNow()
            && !IsAllowed(context.GetEndpoint()))
        {
            var path = context.Request.Path.Value ?? "/";
            context.Response.Redirect("/Account/Mfa?ReturnUrl=" + Uri.EscapeDataString(path));
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static bool IsAllowed(Endpoint? endpoint) =>
        endpoint is not null
        && (endpoint.Metadata.GetMetadata<AllowedDuringMfaEnrolmentAttribute>() is not null
            || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null);
}
