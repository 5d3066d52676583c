using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.SingleSignOn;

/// <summary>The provider's discovery, keys and token calls go through the egress guard like every other outbound call.</summary>
public sealed class SsoEgressTests
{
    [Fact]
    public async Task ProviderOnLoopback_OutsideAllowedNetworks_RefusedByTheEgressGuard_SignInPageSaysUnavailable()
    {
        await using var provider = new OidcTestProvider();
        await using var portal = new LogCapturingPortal();
        provider.Configure(portal);
        portal.WithSetting("Egress:AllowedNetworks:0", "10.99.0.0/16"); // replaces 127.0.0.0/8: loopback is refused again
        await portal.InitializeAsync();
        await provider.StartAsync(portal.BaseAddress); // a real provider is listening: only the guard stands in between

        using var client = SsoTestPortal.NewBrowserlessClient();
        using var challenge = await client.GetAsync(new Uri(portal.BaseAddress, "/Account/SsoChallenge?returnUrl=%2F"), TestContext.Current.CancellationToken);

        challenge.Headers.Location!.OriginalString.ShouldBe("/Account/Login?sso=unreachable");
        var (_, login) = await SsoTestPortal.FollowAsync(client, new Uri(portal.BaseAddress, challenge.Headers.Location!));
        login.ShouldContain("Sign-in with Test IdP is unavailable: the identity provider could not be reached.");
        portal.Logs.Lines.ShouldContain(l => l.Contains("Refused by the egress guard", StringComparison.Ordinal) && l.Contains("loopback", StringComparison.Ordinal));
    }

    private sealed class LogCapturingPortal : PortalAppFactory
    {
        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
        }
    }
}
