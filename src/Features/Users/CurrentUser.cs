using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Features.Audit;

namespace Portal.Features.Users;

/// <summary>The signed-in user as seen by services; every server action checks its role here, not only in the menu.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationState, IHttpContextAccessor httpContextAccessor, IAuditSink audit)
{
    public async Task<ClaimsPrincipal> GetPrincipalAsync()
    {
        try
        {
            return (await authenticationState.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // Minimal API endpoints (exports) have no component scope: the request's user is authoritative there.
            return httpContextAccessor.HttpContext?.User ?? new ClaimsPrincipal(new ClaimsIdentity());
        }
    }

    /// <summary>Returns the principal when it holds one of <paramref name="roles"/>; otherwise throws <see cref="PortalAccessDeniedException"/>.</summary>
    public async Task<ClaimsPrincipal> RequireAnyRoleAsync(params string[] roles)
    {
        var principal = await GetPrincipalAsync();
        if (principal.Identity?.IsAuthenticated != true || !roles.Any(principal.IsInRole))
        {
            await audit.WriteAsync(new AuditEvent(AuditActions.AccessDenied, AuditOutcome.Denied, Details: new Dictionary<string, string?>
            {
                ["requiredRoles"] = string.Join(",", roles),
            }));
            throw new PortalAccessDeniedException($"This action needs one of the roles: {string.Join(", ", roles)}.");
        }

        return principal;
    }
}

/// <summary>A server-side role check refused the action.</summary>
public sealed class PortalAccessDeniedException : Exception
{
    public PortalAccessDeniedException()
    {
    }

    public PortalAccessDeniedException(string message) : base(message)
    {
    }

    public PortalAccessDeniedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
