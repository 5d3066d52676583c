using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Status.Notifications;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Integrations.Egress;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>The real portal with default egress settings (no allow-list, no plain SMTP); <c>evil.test</c> resolves to 127.0.0.1.</summary>
public sealed class EgressDefaultsPortal : PortalAppFactory
{
    public EgressDefaultsPortal()
    {
        WithSetting("Status:SweepEnabled", "false");
        WithSetting("Notifications:PollSeconds", "1");
        WithSetting("Notifications:RetryBaseSeconds", "1");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IEgressResolver>(new EvilResolver()));
    }

    public AsyncServiceScope AsAdmin()
    {
        var scope = Services.CreateAsyncScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "ada"), new Claim(ClaimTypes.NameIdentifier, "id-ada"), new Claim(ClaimTypes.Role, Roles.Admin)], "Test");
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }

    private sealed class EvilResolver : IEgressResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            host == "evil.test" ? Task.FromResult<IPAddress[]>([IPAddress.Loopback]) : Dns.GetHostAddressesAsync(host, cancellationToken);
    }
}

/// <summary>Webhook and SMTP channels against real listeners: refused at save time with a field message, and at connect time by the fence.</summary>
public sealed class NotificationEgressTests(EgressDefaultsPortal portal) : IClassFixture<EgressDefaultsPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private async Task<int> ChannelCountAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<NotificationChannel>().CountAsync(Ct);
    }

    /// <summary>A channel row as an older version of the portal could have saved it (before the save-time rules).</summary>
    private async Task<int> InsertChannelAsync(NotificationChannel channel, string? webhookUrl = null)
    {
        if (webhookUrl is not null)
        {
            channel.ProtectedWebhookUrl = portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(NotificationChannelService.Purpose).Protect(webhookUrl);
        }

        channel.UpdatedBy = "legacy";
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        db.Add(channel);
        await db.SaveChangesAsync(Ct);
        return channel.Id;
    }

    /// <summary>Queues a test message on the channel and waits for the dispatcher to record a final or retry state.</summary>
    private async Task<NotificationDelivery> SendTestAsync(int channelId)
    {
        await using (var admin = portal.AsAdmin())
        {
            await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SendTestAsync(channelId, Ct);
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            var delivery = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.ChannelId == channelId).OrderByDescending(d => d.Id).FirstAsync(Ct);
            if (delivery.State != DeliveryState.Pending || waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                return delivery;
            }

            await Task.Delay(100, Ct);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5432/", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)")]
    [InlineData("https://[::1]:8443/hook", "loopback")]
    public async Task SaveWebhook_InternalAddress_FieldMessageAndNothingSaved(string url, string rule)
    {
        var before = await ChannelCountAsync();
        await using var admin = portal.AsAdmin();

        var error = await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SaveAsync(
            new ChannelEditModel { Name = "Internal hook", Kind = NotificationChannelKind.Webhook, NewWebhookUrl = url }, Ct);

        error.ShouldNotBeNull().ShouldStartWith("Webhook URL: Refused by the egress guard");
        error.ShouldContain(rule);
        error.ShouldContain("Egress:AllowedNetworks");
        (await ChannelCountAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("127.0.0.1", 5432, SmtpSecurity.StartTls, "SMTP host: Refused by the egress guard: 127.0.0.1 is loopback")]
    [InlineData("smtp.example.com", 70000, SmtpSecurity.StartTls, "SMTP port 70000 is out of range")]
    [InlineData("smtp <evil>.example.com", 587, SmtpSecurity.StartTls, "SMTP host is not a valid host name")]
    [InlineData("smtp.example.com", 25, SmtpSecurity.None, "Notifications:AllowPlainSmtp")]
    public async Task SaveSmtp_BadAddressOrPlainText_FieldMessageAndNothingSaved(string host, int port, SmtpSecurity security, string expected)
    {
        var before = await ChannelCountAsync();
        await using var admin = portal.AsAdmin();

        var error = await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SaveAsync(new ChannelEditModel
        {
            Name = "Internal mail", Kind = NotificationChannelKind.Email, SmtpHost = host, SmtpPort = port, SmtpSecurity = security,
            NewSmtpPassword = "Smtp-Secret-Value-123", FromAddress = "portal@example.com", ToAddresses = "ops@example.com",
        }, Ct);

        error.ShouldNotBeNull().ShouldContain(expected);
        (await ChannelCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task LegacyWebhookToLoopback_RefusedAtConnect_NotRetried_ListenerSeesNothing()
    {
        using var listener = Listen();
        var channelId = await InsertChannelAsync(new NotificationChannel { Name = "Legacy loopback hook", Kind = NotificationChannelKind.Webhook }, $"http://127.0.0.1:{PortOf(listener)}/");

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp);
        delivery.Attempts.ShouldBe(1);
        delivery.LastError.ShouldBe("Refused by the egress guard: 127.0.0.1 is loopback (this machine). To allow a lab network add it to Egress:AllowedNetworks.");
        listener.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task LegacyWebhookToCloudMetadata_RefusedOnce_NotRetried()
    {
        var channelId = await InsertChannelAsync(new NotificationChannel { Name = "Legacy metadata hook", Kind = NotificationChannelKind.Webhook }, "http://169.254.169.254/latest/meta-data/");

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp);
        delivery.Attempts.ShouldBe(1);
        delivery.LastError.ShouldNotBeNull().ShouldContain("169.254.169.254 is link-local (cloud metadata)");
    }

    [Fact]
    public async Task WebhookNameResolvingToLoopback_SavedButRefusedAtConnect()
    {
        using var listener = Listen();
        int channelId;
        await using (var admin = portal.AsAdmin())
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            (await channels.SaveAsync(new ChannelEditModel { Name = "Rebound hook", Kind = NotificationChannelKind.Webhook, NewWebhookUrl = $"https://evil.test:{PortOf(listener)}/hook" }, Ct)).ShouldBeNull();
            channelId = (await channels.ListAsync(Ct)).Single(c => c.Name == "Rebound hook").Id;
        }

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp);
        delivery.LastError.ShouldNotBeNull().ShouldContain("evil.test resolves to 127.0.0.1, which is loopback");
        listener.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task SmtpNameResolvingToLoopback_RefusedAtConnect_ListenerSeesNothing()
    {
        using var listener = Listen();
        int channelId;
        await using (var admin = portal.AsAdmin())
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            (await channels.SaveAsync(new ChannelEditModel
            {
                Name = "Rebound mail", Kind = NotificationChannelKind.Email, SmtpHost = "evil.test", SmtpPort = PortOf(listener), SmtpSecurity = SmtpSecurity.StartTls,
                FromAddress = "portal@example.com", ToAddresses = "ops@example.com",
            }, Ct)).ShouldBeNull();
            channelId = (await channels.ListAsync(Ct)).Single(c => c.Name == "Rebound mail").Id;
        }

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp);
        delivery.Attempts.ShouldBe(1);
        delivery.LastError.ShouldNotBeNull().ShouldContain("evil.test resolves to 127.0.0.1, which is loopback");
        listener.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task LegacySmtpToLoopback_RefusedAtConnect_ListenerSeesNothing()
    {
        using var listener = Listen();
        var channelId = await InsertChannelAsync(new NotificationChannel
        {
            Name = "Legacy loopback mail", Kind = NotificationChannelKind.Email, SmtpHost = "127.0.0.1", SmtpPort = PortOf(listener), SmtpSecurity = SmtpSecurity.StartTls,
            FromAddress = "portal@example.com", ToAddresses = "ops@example.com",
        });

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp);
        delivery.LastError.ShouldNotBeNull().ShouldStartWith("Refused by the egress guard: 127.0.0.1 is loopback");
        listener.Pending().ShouldBeFalse();
    }

    [Fact]
    public async Task LegacyPlainSmtp_RefusedWithoutTheSetting_BeforeConnecting()
    {
        using var listener = Listen();
        var channelId = await InsertChannelAsync(new NotificationChannel
        {
            Name = "Legacy plain mail", Kind = NotificationChannelKind.Email, SmtpHost = "evil.test", SmtpPort = PortOf(listener), SmtpSecurity = SmtpSecurity.None,
            FromAddress = "portal@example.com", ToAddresses = "ops@example.com",
        });

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp);
        delivery.LastError.ShouldNotBeNull().ShouldContain("plain-text SMTP");
        delivery.LastError.ShouldContain("Notifications:AllowPlainSmtp");
        listener.Pending().ShouldBeFalse();
    }
}

/// <summary>A webhook that redirects (with the allow-list opened for loopback): the redirect target receives nothing.</summary>
public sealed class WebhookRedirectTests(StatusTestPortal portal) : IClassFixture<StatusTestPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task RedirectingWebhook_NotFollowed_TargetReceivesNothing(int status)
    {
        await using var target = await LoopbackWebhook.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var redirector = builder.Build();
        var hits = 0;
        redirector.MapPost("/hooks/{token}", (HttpContext http) =>
        {
            Interlocked.Increment(ref hits);
            http.Response.StatusCode = status;
            http.Response.Headers.Location = target.Url("stolen");
            return Task.CompletedTask;
        });
        await redirector.StartAsync(Ct);
        int channelId;
        await using (var admin = portal.As("ada", Roles.Admin))
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            var name = $"Redirecting hook {status}";
            (await channels.SaveAsync(new ChannelEditModel { Name = name, Kind = NotificationChannelKind.Webhook, Tag = "redirect-" + status, NewWebhookUrl = $"{redirector.Urls.First()}/hooks/t" }, Ct)).ShouldBeNull();
            channelId = (await channels.ListAsync(Ct)).Single(c => c.Name == name).Id;
            await channels.SendTestAsync(channelId, Ct);
        }

        NotificationDelivery delivery;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(100, Ct);
            await using var db = await portal.DbAsync();
            delivery = await db.Set<NotificationDelivery>().AsNoTracking().SingleAsync(d => d.ChannelId == channelId, Ct);
        }
        while (delivery.LastError is null && waited.Elapsed < TimeSpan.FromSeconds(20));

        await redirector.StopAsync(Ct);
        hits.ShouldBeGreaterThan(0);
        delivery.State.ShouldNotBe(DeliveryState.Sent);
        delivery.LastError.ShouldNotBeNull().ShouldContain("a redirect, which is not followed");
        target.Attempts.ShouldBeEmpty();
    }
}
