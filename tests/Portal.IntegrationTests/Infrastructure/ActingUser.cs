using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>Runs services in a DI scope as a given signed-in user, the way a circuit would.</summary>
public static class ActingUser
{
    public static AsyncServiceScope ScopeFor(this IServiceProvider services, string userName, params string[] roles)
    {
        var scope = services.CreateAsyncScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.NameIdentifier, UserIdOf(userName)), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "Test");
        var state = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        state.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }

    /// <summary>The user id <see cref="ScopeFor"/> signs <paramref name="userName"/> in with (tenant scopes are keyed by it).</summary>
    public static string UserIdOf(string userName) => "test-" + userName;
}
