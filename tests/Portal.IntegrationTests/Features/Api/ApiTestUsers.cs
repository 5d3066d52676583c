using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Api;
using Portal.Features.Tenants;
using Portal.IntegrationTests.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Api;

/// <summary>Real Identity users (roles, tenant scope) and their API tokens, created the way the token page does.</summary>
public static class ApiTestUsers
{
    /// <summary>Creates the user (if new) with <paramref name="roles"/> and returns a fresh token of theirs.</summary>
    public static async Task<string> TokenForAsync(this TenantsTestPortal portal, string userName, string[] roles, DateTime? expiresUtc = null, params string[] scopeTags)
    {
        using (var services = portal.Services.CreateScope())
        {
            var users = services.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            if (await users.FindByNameAsync(userName) is null)
            {
                var user = new PortalUser { Id = ActingUser.UserIdOf(userName), UserName = userName, DisplayName = userName };
                (await users.CreateAsync(user)).Succeeded.ShouldBeTrue();
                foreach (var role in roles)
                {
                    (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
                }
            }
        }

        if (scopeTags.Length > 0)
        {
            await using var admin = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Portal.Features.Users.Roles.Admin);
            (await admin.ServiceProvider.GetRequiredService<TenantScopeAdminService>().SetAsync(ActingUser.UserIdOf(userName), scopeTags)).Succeeded.ShouldBeTrue();
        }

        await using var scope = portal.Services.ScopeFor(userName, roles);
        var created = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync($"{userName} script", expiresUtc);
        created.Succeeded.ShouldBeTrue(string.Join(" ", created.Errors.SelectMany(e => e.Value)));
        return created.Token!;
    }

    /// <summary>A plain HTTP client (no cookies) sending <paramref name="token"/> as the bearer token.</summary>
    public static HttpClient ApiClient(this PortalAppFactory portal, string? token)
    {
        var http = new HttpClient { BaseAddress = portal.BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
