using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.SingleSignOn;

/// <summary>The real portal configured for single sign-on against a real OpenID provider (<see cref="OidcTestProvider"/>) on loopback.</summary>
public class SsoTestPortal : PortalAppFactory
{
    public SsoTestPortal()
    {
        Provider.Configure(this);
        WithSetting("Status:SweepEnabled", "false");
        WithSetting("Auth:Mfa:RequiredForRoles:0", "Admin"); // the production default: single sign-on admins are not sent to enrolment
    }

    public OidcTestProvider Provider { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Provider.StartAsync(BaseAddress);
    }

    public override async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A cookie-keeping client that follows no redirect by itself (a browser without JavaScript).</summary>
    public static HttpClient NewBrowserlessClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });

    /// <summary>
    /// The whole code flow over HTTP: the portal's sign-in link, the provider's own login form (filled with
    /// <paramref name="login"/>), the callback, up to the first page that is not a redirect. Returns that page's address and body.
    /// </summary>
    public async Task<(Uri Address, string Body)> SignInWithProviderAsync(HttpClient client, string login)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (address, body) = await FollowAsync(client, new Uri(BaseAddress, "/Account/SsoChallenge?returnUrl=%2F"));
        if (address.Port == Provider.Port && LoginForm().Match(body) is { Success: true } form)
        {
            var action = new Uri(address, WebUtility.HtmlDecode(form.Groups[1].Value));
            using var posted = await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["prompt"] = "login",
                ["login"] = login,
                ["password"] = "any password: the provider's development login page checks none",
            }));
            (address, body) = await FollowAsync(client, action, posted);
        }

        return (address, body);
    }

    /// <summary>The flow up to the provider's redirect back to the portal, which is not followed: the /signin-oidc URL with code and state.</summary>
    public async Task<Uri> CallbackUrlForAsync(HttpClient client, string login)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (address, body) = await FollowAsync(client, new Uri(BaseAddress, "/Account/SsoChallenge?returnUrl=%2F"));
        var action = new Uri(address, WebUtility.HtmlDecode(LoginForm().Match(body).Groups[1].Value));
        var response = await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["prompt"] = "login", ["login"] = login, ["password"] = "x" }));
        address = action;
        for (var hops = 0; hops < 10; hops++)
        {
            address = new Uri(address, response.Headers.Location!);
            response.Dispose();
            if (address.AbsolutePath == "/signin-oidc")
            {
                return address;
            }

            response = await client.GetAsync(address);
        }

        response.Dispose();
        throw new InvalidOperationException("The provider never redirected back to /signin-oidc.");
    }

    public static async Task<(Uri Address, string Body)> FollowAsync(HttpClient client, Uri start, HttpResponseMessage? first = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var address = start;
        var response = first ?? await client.GetAsync(start);
        for (var hops = 0; hops < 20 && (int)response.StatusCode is >= 300 and < 400; hops++)
        {
            address = new Uri(address, response.Headers.Location!);
            response.Dispose();
            response = await client.GetAsync(address);
        }

        using (response)
        {
            return (address, await response.Content.ReadAsStringAsync());
        }
    }

    public async Task<PortalUser?> SsoUserAsync(string login)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await users.FindByLoginAsync(Provider.Issuer.ToString().TrimEnd('/'), login)
            ?? await users.FindByLoginAsync(Provider.Issuer.ToString(), login);
    }

    public async Task<IReadOnlyList<string>> RolesOfAsync(PortalUser user)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return [.. (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<string>> ScopeTagsOfAsync(string userId)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Set<UserTenantScope>().Where(s => s.UserId == userId).Select(s => s.Tag).OrderBy(t => t).ToListAsync();
    }

    /// <summary>Audit entries as stored in the real trail, newest last.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Set<AuditEntry>().Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync();
    }

    private static Regex LoginForm() => new("<form[^>]*action=\"([^\"]+)\"[^>]*method=\"post\">\\s*<input type=\"hidden\" name=\"prompt\" value=\"login\"", RegexOptions.None, TimeSpan.FromSeconds(1));
}
