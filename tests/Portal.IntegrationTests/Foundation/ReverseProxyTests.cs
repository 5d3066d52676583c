using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

/// <summary>
/// Behind a TLS-terminating proxy: X-Forwarded-For/Proto from the configured proxy (127.0.0.2, reached by binding the
/// client socket to it) give the client's address in the audit trail, a Secure auth cookie and HSTS. The same headers
/// from any other address (127.0.0.1, loopback but not listed) are ignored.
/// </summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private const string ProxyAddress = "127.0.0.2";
    private const string ClientAddress = "203.0.113.7";
    private const string Password = "Proxy-Passw0rd!long";

    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("ReverseProxy:KnownProxies:0", ProxyAddress);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task SignIn_FromTheKnownProxy_RecordsTheClientIpAndSendsSecureCookieAndHsts()
    {
        var user = await CreateUserAsync("proxied-user");
        using var http = Client(bindTo: IPAddress.Parse(ProxyAddress));

        using var response = await SignInAsync(http, user);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        AuthCookie(response).ShouldContain("secure", Case.Insensitive);
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=31536000");
        (await SignInEntryAsync(user)).SourceIp.ShouldBe(ClientAddress);
    }

    [Fact]
    public async Task SignIn_FromAnUnknownAddress_IgnoresTheForwardedHeaders()
    {
        var user = await CreateUserAsync("spoofing-user");
        using var http = Client(bindTo: null); // 127.0.0.1: not the configured proxy

        using var response = await SignInAsync(http, user);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        AuthCookie(response).ShouldNotContain("secure", Case.Insensitive);
        response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
        (await SignInEntryAsync(user)).SourceIp.ShouldBe("127.0.0.1");
    }

    private HttpClient Client(IPAddress? bindTo)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        if (bindTo is not null)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(bindTo, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new HttpClient(handler) { BaseAddress = _portal.BaseAddress };
    }

    /// <summary>The sign-in form as a browser behind the proxy sends it; cookies are carried by hand (they may be Secure).</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string user)
    {
        using var page = await http.SendAsync(Forwarded(new HttpRequestMessage(HttpMethod.Get, "/Account/Login")), Ct);
        var cookies = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = PortalHttpClient.AntiforgeryToken(await page.Content.ReadAsStringAsync(Ct));
        var post = Forwarded(new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["_handler"] = "login",
                ["Input.UserName"] = user,
                ["Input.Password"] = Password,
            }),
        });
        post.Headers.Add("Cookie", cookies);
        return await http.SendAsync(post, Ct);
    }

    private static HttpRequestMessage Forwarded(HttpRequestMessage request)
    {
        request.Headers.Host = "portal.example.test"; // HSTS is never sent to localhost names
        request.Headers.Add("X-Forwarded-For", ClientAddress);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    private static string AuthCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal.auth=", StringComparison.Ordinal));

    private async Task<string> CreateUserAsync(string userName)
    {
        await using var scope = _portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, Roles.Helpdesk)).Succeeded.ShouldBeTrue();
        return userName;
    }

    private async Task<AuditEntry> SignInEntryAsync(string user)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().SingleAsync(e => e.Action == AuditActions.SignInSucceeded && e.Actor == user, Ct);
    }
}

/// <summary>A mistyped proxy setting stops start-up with a message naming the setting and the fix.</summary>
public sealed class ReverseProxyOptionsTests
{
    [Fact]
    public void Validate_HostNameOrMalformedNetwork_NamesTheSettingAndTheFix()
    {
        var options = new Portal.Hosting.ReverseProxyOptions();
        options.KnownProxies.Add("proxy.internal");
        options.KnownNetworks.Add("10.0.0.0/99");

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        errors.Count.ShouldBe(2);
        errors[0].ShouldBe("ReverseProxy:KnownProxies: 'proxy.internal' is not an IP address. List the proxy's address, e.g. 10.0.0.5 (no port, no host name).");
        errors[1].ShouldBe("ReverseProxy:KnownNetworks: '10.0.0.0/99' is not a network in CIDR notation. Write it as address/prefix, e.g. 10.0.0.0/24.");
    }
}
