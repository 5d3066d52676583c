using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

public sealed class AuthorizationTests(SharedPortal portal)
{
    /// <summary>Every routable page of the portal, with route parameters filled by a dummy value.</summary>
    public static TheoryData<string> ProtectedPages()
    {
        var data = new TheoryData<string>();
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttribute<AllowAnonymousAttribute>() is null)
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => System.Text.RegularExpressions.Regex.Replace(r.Template, "{[^}]+}", "1"))
            .Where(path => !path.StartsWith("/Account/", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Order(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            data.Add(page);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProtectedPages))]
    public async Task Page_Anonymous_RedirectsToSignIn(string path)
    {
        using var client = portal.CreatePortalClient();

        var response = await client.Http.GetAsync(path, Xunit.TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public void ProtectedPages_Always_IncludeTheAdminPage()
    {
        ProtectedPages().Select(row => row.Data).ShouldContain("/admin/users");
    }

    [Fact]
    public async Task AdminPage_HelpdeskUser_IsDenied()
    {
        await CreateUserAsync("helpdesk-denied", Roles.Helpdesk);
        using var client = portal.CreatePortalClient();
        (await client.SignInAsync("helpdesk-denied", TestPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await client.Http.GetAsync("/admin/users", Xunit.TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
    }

    [Fact]
    public async Task AdminPage_AdminUser_IsServed()
    {
        using var client = portal.CreatePortalClient();
        await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);

        var response = await client.Http.GetAsync("/admin/users", Xunit.TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken)).ShouldContain("Users and roles");
    }

    [Fact]
    public async Task UserAdminService_CalledWithoutAdminRole_IsRefusedOnTheServer()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var state = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>();
        ((Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider)state).SetAuthenticationState(Task.FromResult(
            new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(new System.Security.Claims.ClaimsPrincipal(
                new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.Name, "someone"), new(System.Security.Claims.ClaimTypes.Role, Roles.Helpdesk)], "Test")))));
        var service = scope.ServiceProvider.GetRequiredService<UserAdminService>();

        await Should.ThrowAsync<PortalAccessDeniedException>(() => service.ListAsync(Xunit.TestContext.Current.CancellationToken));
        await Should.ThrowAsync<PortalAccessDeniedException>(() => service.CreateAsync(new CreateUserModel { UserName = "sneaky", DisplayName = "Sneaky" }, Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsGenericMessageAndCountsTowardLockout()
    {
        await CreateUserAsync("lockout-victim", Roles.Helpdesk);
        using var client = portal.CreatePortalClient();

        var first = await client.SignInAsync("lockout-victim", "wrong-password-1");
        var html = await first.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken);
        html.ShouldContain("Sign-in failed. Check your user name and password.");
        var unknown = await (await client.SignInAsync("no-such-user", "whatever-pass")).Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken);
        unknown.ShouldContain("Sign-in failed. Check your user name and password.");
        (await FindUserAsync("lockout-victim")).AccessFailedCount.ShouldBe(1);

        for (var attempt = 2; attempt <= 5; attempt++)
        {
            await client.SignInAsync("lockout-victim", $"wrong-password-{attempt}");
        }

        var locked = await FindUserAsync("lockout-victim");
        locked.LockoutEnd.ShouldNotBeNull();
        var withRightPassword = await client.SignInAsync("lockout-victim", TestPassword);
        withRightPassword.StatusCode.ShouldBe(HttpStatusCode.OK); // form shown again, no redirect into the portal
        (await withRightPassword.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken)).ShouldContain("Sign-in failed.");
    }

    [Fact]
    public async Task SignIn_DisabledUser_IsRefusedGenerically()
    {
        var user = await CreateUserAsync("disabled-user", Roles.Auditor);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var stored = await users.FindByIdAsync(user.Id);
            stored!.IsDisabled = true;
            await users.UpdateAsync(stored);
        }

        using var client = portal.CreatePortalClient();
        var response = await client.SignInAsync("disabled-user", TestPassword);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken)).ShouldContain("Sign-in failed.");
    }

    internal const string TestPassword = "Test-Passw0rd!long";

    private async Task<PortalUser> CreateUserAsync(string userName, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, TestPassword)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
        return user;
    }

    private async Task<PortalUser> FindUserAsync(string userName)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName))!;
    }
}
