using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Features.Users;

/// <summary>The signed-in user as seen by services; every server action checks its role here, not only in the menu.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationState)
{
    public async Task<ClaimsPrincipal> GetPrincipalAsync() => (await authenticationState.GetAuthenticationStateAsync()).User;

    /// <summary>Returns the principal when it holds one of <paramref name="roles"/>; otherwise throws <see cref="PortalAccessDeniedException"/>.</summary>
    public async Task<ClaimsPrincipal> RequireAnyRoleAsync(params string[] roles)
    {
        var principal = await GetPrincipalAsync();
        if (principal.Identity?.IsAuthenticated != true || !roles.Any(principal.IsInRole))
        {
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
