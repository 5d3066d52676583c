using System.Net;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

/// <summary>The forced password change and sign-out, attempted over real HTTP the way a browser (or another site) would.</summary>
public sealed class AccountGateTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("Bootstrap:AdminMustChangePassword", "true");

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Theory]
    [InlineData("/audit/export.csv")]
    [InlineData("/status/export.csv")]
    [InlineData("/")]
    public async Task MustChangePassword_DownloadsAndPagesWithTheBootstrapPassword_AreRedirectedToTheChange(string path)
    {
        using var client = _portal.CreatePortalClient();
        (await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword)).Headers.Location!.AbsolutePath.ShouldBe("/Account/ChangePassword");

        using var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("/Account/ChangePassword");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("Timestamp"); // no CSV came with it
    }

    [Fact]
    public async Task MustChangePassword_TheChangePageAndStaticAssets_StillAnswer()
    {
        using var client = _portal.CreatePortalClient();
        await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);

        (await client.Http.GetAsync(new Uri("/Account/ChangePassword", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.Http.GetAsync(new Uri("/health/live", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_WithoutAntiforgeryToken_IsRefusedAndTheSessionStays()
    {
        using var client = _portal.CreatePortalClient();
        await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);
        await client.ChangePasswordAsync(PortalAppFactory.AdminPassword, "Changed-Passw0rd!-Gate");

        // What a hostile page can send: a cross-site form post without the portal's token.
        using var forged = await client.Http.PostAsync(new Uri("/Account/Logout", UriKind.Relative), new FormUrlEncodedContent([]), Ct);

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.Http.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK); // still signed in

        var token = PortalHttpClient.AntiforgeryToken(await client.Http.GetStringAsync(new Uri("/Account/ChangePassword", UriKind.Relative), Ct));
        using var real = await client.Http.PostAsync(new Uri("/Account/Logout", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);
        real.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.Http.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect); // signed out
    }
}
