using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Users;

/// <summary>
/// Re-checks an open circuit's user on an interval, so disabling an account, changing its roles, leaving the tab idle
/// or reaching the absolute session limit takes effect in already-open tabs, not only at the next request.
/// </summary>
public sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<IdentityOptions> identityOptions,
    IOptions<PortalAuthOptions> authOptions,
    CircuitActivity activity,
    TimeProvider clock)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(authOptions.Value.RevalidationIntervalSeconds);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        if (!IsWithinSessionLimits(principal, clock.GetUtcNow()))
        {
            return false;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.IsDisabled)
        {
            return false;
        }

        if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }

        var principalStamp = principal.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType);
        var userStamp = await userManager.GetSecurityStampAsync(user);
        return principalStamp == userStamp;
    }

    private bool IsWithinSessionLimits(ClaimsPrincipal principal, DateTimeOffset now)
    {
        var limits = authOptions.Value;
        if (now - activity.LastActivityUtc > TimeSpan.FromMinutes(limits.IdleTimeoutMinutes))
        {
            return false;
        }

        return principal.FindFirstValue(PortalClaims.SessionStarted) is not { } started
            || !long.TryParse(started, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || now - DateTimeOffset.FromUnixTimeSeconds(seconds) <= TimeSpan.FromHours(limits.AbsoluteSessionHours);
    }
}
