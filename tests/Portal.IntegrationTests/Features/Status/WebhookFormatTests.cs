using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NJsonSchema;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>
/// The real portal with a public base URL for links, the loopback network opened for the receivers, a scripted probe and
/// fixed jitter (so a backoff is a known number).
/// </summary>
public sealed class WebhookPortal : PortalAppFactory
{
    public const string PublicBase = "https://portal.example.test";

    public WebhookPortal()
    {
        WithSetting("Status:SweepEnabled", "false");
        WithSetting("Notifications:PollSeconds", "1");
        WithSetting("Notifications:RetryBaseSeconds", "60");
        WithSetting("Notifications:PortalBaseUrl", PublicBase + "/");
        WithSetting("Egress:AllowedNetworks:0", "127.0.0.0/8");
    }

    public ScriptedProbe Probe { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddScoped<IConnectionProbe>(_ => Probe);
            services.AddSingleton<IRetryJitter>(new FixedJitter(0.5));
        });
    }

    public AsyncServiceScope AsAdmin()
    {
        var scope = Services.CreateAsyncScope();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "ada"), new Claim(ClaimTypes.NameIdentifier, "id-ada"), new Claim(ClaimTypes.Role, Roles.Admin)], "Test");
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        return scope;
    }

    private sealed class FixedJitter(double value) : IRetryJitter
    {
        public double Next() => value;
    }
}

/// <summary>A Kestrel receiver on loopback that records each POST (body and headers) and answers as scripted.</summary>
public sealed class ScriptedReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedReceiver(Func<HttpResponse, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/{token}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue((body, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            await answer(http.Response);
        });
    }

    public ConcurrentQueue<(string Body, Dictionary<string, string> Headers)> Requests { get; } = new();

    public string Url(string token) => $"{_app.Urls.First()}/hooks/{token}";

    public static async Task<ScriptedReceiver> StartAsync(Func<HttpResponse, Task>? answer = null)
    {
        var receiver = new ScriptedReceiver(answer ?? (r => { r.StatusCode = 200; return Task.CompletedTask; }));
        await receiver._app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Teams, Slack and signed JSON reach a real receiver in their formats; permanent refusals, Retry-After and backoff.</summary>
public sealed class WebhookFormatTests(WebhookPortal portal) : IClassFixture<WebhookPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(int Id, string? SigningSecret)> SaveChannelAsync(string name, WebhookFormat format, string url, string? tag = null)
    {
        await using var admin = portal.AsAdmin();
        var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
        var model = new ChannelEditModel { Name = name, Kind = NotificationChannelKind.Webhook, WebhookFormat = format, Tag = tag ?? "hook-" + Guid.NewGuid().ToString("N")[..8], NewWebhookUrl = url };
        (await channels.SaveAsync(model, Ct)).ShouldBeNull();
        return ((await channels.ListAsync(Ct)).Single(c => c.Name == name).Id, model.GeneratedSigningSecret);
    }

    /// <summary>Queues the channel's test message and waits until the dispatcher recorded an attempt.</summary>
    private async Task<NotificationDelivery> SendTestAsync(int channelId)
    {
        await using (var admin = portal.AsAdmin())
        {
            await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SendTestAsync(channelId, Ct);
        }

        return await AttemptedAsync(d => d.ChannelId == channelId);
    }

    private async Task<NotificationDelivery> AttemptedAsync(System.Linq.Expressions.Expression<Func<NotificationDelivery, bool>> which)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            var delivery = await db.Set<NotificationDelivery>().AsNoTracking().Where(which).OrderByDescending(d => d.Id).FirstOrDefaultAsync(Ct);
            if ((delivery is not null && delivery.State != DeliveryState.Pending) || waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                return delivery.ShouldNotBeNull();
            }

            await Task.Delay(100, Ct);
        }
    }

    private static async Task<JsonSchema> AdaptiveCardSchemaAsync() =>
        await JsonSchema.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Features", "Status", "AdaptiveCardSchema", "adaptive-card-1.5.json"), Ct), Ct);

    [Fact]
    public async Task Teams_StatusChange_PostsAnAdaptiveCardValidAgainstTheOfficialSchema_LinkingToTheFilteredBoard()
    {
        await using var receiver = await ScriptedReceiver.StartAsync();
        var tag = "teams-" + Guid.NewGuid().ToString("N")[..8];
        await SaveChannelAsync("Teams " + tag, WebhookFormat.Teams, receiver.Url("workflow-token"), tag);
        // A Helpdesk user may name a tenant like a Markdown link: in the card it must stay text.
        var name = $"Teams Contoso {tag} [Re-authorise here](https://evil.example/login)";
        var tenant = await AddTenantAsync(name, tag);
        portal.Probe.Script(tenant, [new(ConnectionLayer.UemApi, CheckOutcome.Failed, "Role lacks permission", "Grant the API role", 20, "403", null)]);

        await portal.Services.GetRequiredService<StatusSweeper>().SweepAsync([tenant], Ct);
        (await AttemptedAsync(d => d.TenantId == tenant)).State.ShouldBe(DeliveryState.Sent);

        var (body, headers) = receiver.Requests.ShouldHaveSingleItem();
        headers["Content-Type"].ShouldStartWith("application/json");
        var message = JsonNode.Parse(body)!.AsObject();
        message["type"]!.GetValue<string>().ShouldBe("message");
        var attachment = message["attachments"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        attachment["contentType"]!.GetValue<string>().ShouldBe("application/vnd.microsoft.card.adaptive");
        var card = attachment["content"]!.AsObject();
        card["type"]!.GetValue<string>().ShouldBe("AdaptiveCard");
        Version.Parse(card["version"]!.GetValue<string>()).ShouldBeGreaterThanOrEqualTo(new Version(1, 4));
        var elements = card["body"]!.AsArray();
        elements.ShouldNotBeEmpty();
        // Only RichTextBlock/TextRun, which render no Markdown: no TextBlock anywhere could turn the name into a link.
        elements.ShouldAllBe(e => e!["type"]!.GetValue<string>() == "RichTextBlock");
        var runs = elements.SelectMany(e => e!["inlines"]!.AsArray()).ToList();
        runs.ShouldAllBe(r => r!["type"]!.GetValue<string>() == "TextRun" && r["text"]!.GetValue<string>().Length > 0);
        var text = string.Join("\n", runs.Select(r => r!["text"]!.GetValue<string>()));
        text.ShouldContain("Role lacks permission");
        text.ShouldContain("[Re-authorise here](https://evil.example/login)");
        body.ShouldNotContain("\"TextBlock\"");

        var errors = (await AdaptiveCardSchemaAsync()).Validate(card.ToJsonString());
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));

        // The link is the board filtered to this tenant's new status, under the configured address (not any Host header).
        var action = card["actions"]!.AsArray().ShouldHaveSingleItem()!;
        action["type"]!.GetValue<string>().ShouldBe("Action.OpenUrl");
        action["url"]!.GetValue<string>().ShouldBe($"{WebhookPortal.PublicBase}/status?search={Uri.EscapeDataString(name)}&status=Failing");
        body.ShouldNotContain("workflow-token");
    }

    [Fact]
    public async Task Slack_PostsBlocksWithTextFallback_AndATenantNameCannotMentionTheChannel()
    {
        await using var receiver = await ScriptedReceiver.StartAsync();
        var tag = "slack-" + Guid.NewGuid().ToString("N")[..8];
        await SaveChannelAsync("Slack " + tag, WebhookFormat.Slack, receiver.Url("slack-token"), tag);
        var name = $"<!channel> Fabrikam {tag}";
        var tenant = await AddTenantAsync(name, tag);
        portal.Probe.Script(tenant, [new(ConnectionLayer.UemToken, CheckOutcome.CredentialsRejected, "invalid_client", null, 5, "invalid_client", null)]);

        await portal.Services.GetRequiredService<StatusSweeper>().SweepAsync([tenant], Ct);
        (await AttemptedAsync(d => d.TenantId == tenant)).State.ShouldBe(DeliveryState.Sent);

        var message = JsonNode.Parse(receiver.Requests.ShouldHaveSingleItem().Body)!.AsObject();
        var fallback = message["text"]!.GetValue<string>();
        fallback.ShouldContain("Fabrikam");
        fallback.ShouldNotContain("<!channel>"); // escaped: &lt;!channel&gt; shows as text
        var blocks = message["blocks"]!.AsArray();
        blocks.Select(b => b!["type"]!.GetValue<string>()).ShouldBe(["header", "section", "actions"]);
        blocks.Take(2).ShouldAllBe(b => b!["text"]!["type"]!.GetValue<string>() == "plain_text"); // plain text: no mrkdwn mentions or links
        blocks[1]!["text"]!["text"]!.GetValue<string>().ShouldContain("re-authorisation");
        var button = blocks[2]!["elements"]!.AsArray().ShouldHaveSingleItem()!;
        button["type"]!.GetValue<string>().ShouldBe("button");
        button["url"]!.GetValue<string>().ShouldStartWith(WebhookPortal.PublicBase + "/status?search=");
    }

    [Fact]
    public async Task SignedJson_ReceiverVerifiesTheHmacWithTheSecretShownOnce_WrongSecretOrTamperedBodyDoesNot()
    {
        await using var receiver = await ScriptedReceiver.StartAsync();
        var (channelId, secret) = await SaveChannelAsync("Signed " + Guid.NewGuid().ToString("N")[..8], WebhookFormat.SignedJson, receiver.Url("own-receiver"));
        secret.ShouldNotBeNull().ShouldStartWith(WebhookSignature.SecretPrefix);

        (await SendTestAsync(channelId)).State.ShouldBe(DeliveryState.Sent);

        var (body, headers) = receiver.Requests.ShouldHaveSingleItem();
        var header = headers[WebhookSignature.HeaderName];
        // The receiver's side, written from the README's recipe (not the portal's code): t=<unix>,v1=HMAC-SHA256(secret, "<t>.<body>").
        var fields = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(fields["t"], CultureInfo.InvariantCulture);
        Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp).ShouldBeLessThan(300); // inside a 5-minute replay window
        string Sign(string key, string payload) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{fields["t"]}.{payload}")));
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(fields["v1"])).ShouldBeTrue();
        Sign("whsec_wrong-secret", body).ShouldNotBe(fields["v1"]);
        Sign(secret, body.Replace("Test message", "Tampered message", StringComparison.Ordinal)).ShouldNotBe(fields["v1"]);
        WebhookSignature.Verify(secret, body, header, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();
        WebhookSignature.Verify(secret, body, header, DateTimeOffset.UtcNow.AddMinutes(10), TimeSpan.FromMinutes(5)).ShouldBeFalse(); // a replay later
        WebhookSignature.Verify("whsec_wrong-secret", body, header, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeFalse();

        var payload = JsonNode.Parse(body)!.AsObject();
        payload["event"]!.GetValue<string>().ShouldBe("Test");
        headers["X-Portal-Delivery"].ShouldBe(payload["deliveryId"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture));

        // Shown once: never stored or returned in clear, never in the audit trail.
        await using (var admin = portal.AsAdmin())
        {
            var edit = await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().GetForEditAsync(channelId, Ct);
            edit.ShouldNotBeNull().GeneratedSigningSecret.ShouldBeNull();
        }

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var stored = await db.Set<NotificationChannel>().AsNoTracking().SingleAsync(c => c.Id == channelId, Ct);
        stored.ProtectedSigningSecret.ShouldNotBeNull().ShouldNotContain(secret);
        (await db.Set<AuditEntry>().AsNoTracking().Select(e => e.DetailsJson).ToListAsync(Ct)).ShouldAllBe(d => !d.Contains(secret));
        (await db.Set<AuditEntry>().AsNoTracking().AnyAsync(e => e.Action == "notification.channel.created" && e.DetailsJson.Contains("generated "), Ct)).ShouldBeTrue();
        foreach (var log in Directory.Exists(portal.LogFolder) ? Directory.EnumerateFiles(portal.LogFolder) : [])
        {
            using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            (await reader.ReadToEndAsync(Ct)).ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task SignedJson_RegenerateSecret_OldSecretNoLongerVerifies()
    {
        await using var receiver = await ScriptedReceiver.StartAsync();
        var name = "Rotated " + Guid.NewGuid().ToString("N")[..8];
        var (channelId, first) = await SaveChannelAsync(name, WebhookFormat.SignedJson, receiver.Url("own-receiver"));
        string? second;
        await using (var admin = portal.AsAdmin())
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            var edit = (await channels.GetForEditAsync(channelId, Ct)).ShouldNotBeNull();
            (await channels.SaveAsync(edit, Ct)).ShouldBeNull();
            edit.GeneratedSigningSecret.ShouldBeNull(); // a plain save keeps the secret
            edit.RegenerateSigningSecret = true;
            (await channels.SaveAsync(edit, Ct)).ShouldBeNull();
            second = edit.GeneratedSigningSecret;
        }

        second.ShouldNotBeNull().ShouldNotBe(first);
        await SendTestAsync(channelId);
        var (body, headers) = receiver.Requests.ShouldHaveSingleItem();
        WebhookSignature.Verify(second, body, headers[WebhookSignature.HeaderName], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();
        WebhookSignature.Verify(first!, body, headers[WebhookSignature.HeaderName], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeFalse();
    }

    [Theory]
    [InlineData(410, "no longer exists")]
    [InlineData(404, "no longer exists")]
    [InlineData(400, "refuses the message format")]
    [InlineData(401, "token or signature")]
    [InlineData(403, "token or signature")]
    [InlineData(413, "larger than the receiver accepts")]
    [InlineData(422, "refuses the message format")]
    public async Task PermanentRefusal_NotRetried_ExactlyOneRequest_GaveUpWithTheDiagnosis(int status, string diagnosis)
    {
        await using var receiver = await ScriptedReceiver.StartAsync(r => { r.StatusCode = status; return Task.CompletedTask; });
        var (channelId, _) = await SaveChannelAsync($"Refused {status} {Guid.NewGuid():N}"[..30], WebhookFormat.Teams, receiver.Url("token-SECRET-7c1"));

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.GaveUp); // final: the dispatcher never picks it up again
        delivery.Attempts.ShouldBe(1);
        receiver.Requests.Count.ShouldBe(1);
        delivery.LastError.ShouldNotBeNull().ShouldStartWith($"Webhook answered {status}");
        delivery.LastError.ShouldContain(diagnosis);
        delivery.LastError.ShouldContain("Not retried");
        delivery.LastError.ShouldNotContain("token-SECRET-7c1"); // the URL's token is not in the diagnosis
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task RetryAfterSeconds_NextAttemptNoSoonerThanAsked(int status)
    {
        await using var receiver = await ScriptedReceiver.StartAsync(r => { r.StatusCode = status; r.Headers.RetryAfter = "120"; return Task.CompletedTask; });
        var (channelId, _) = await SaveChannelAsync($"Busy {status} {Guid.NewGuid():N}"[..30], WebhookFormat.SimpleJson, receiver.Url("busy"));

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.Retrying);
        (delivery.NextAttemptUtc - delivery.LastAttemptUtc!.Value).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(120));
        delivery.LastError.ShouldNotBeNull().ShouldContain("asked to wait 120 s");
        await using var admin = portal.AsAdmin();
        var shown = (await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().RecentDeliveriesAsync(500, Ct)).Single(d => d.Id == delivery.Id);
        shown.NextAttemptUtc.ShouldBe(delivery.NextAttemptUtc);
        shown.LastError.ShouldBe(delivery.LastError);
    }

    [Fact]
    public async Task RetryAfterHttpDate_IsHonoured()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(10);
        await using var receiver = await ScriptedReceiver.StartAsync(r => { r.StatusCode = 503; r.Headers.RetryAfter = at.ToString("R", CultureInfo.InvariantCulture); return Task.CompletedTask; });
        var (channelId, _) = await SaveChannelAsync($"Dated {Guid.NewGuid():N}"[..30], WebhookFormat.SimpleJson, receiver.Url("busy"));

        var delivery = await SendTestAsync(channelId);

        delivery.State.ShouldBe(DeliveryState.Retrying);
        delivery.NextAttemptUtc.ShouldBeGreaterThanOrEqualTo(at.UtcDateTime.AddSeconds(-2)); // the header has whole seconds
    }

    [Fact]
    public async Task ServerErrorWithoutRetryAfter_BackoffWithJitter_BelowTheDoublingCeiling()
    {
        await using var receiver = await ScriptedReceiver.StartAsync(r => { r.StatusCode = 500; return Task.CompletedTask; });
        var (channelId, _) = await SaveChannelAsync($"Broken {Guid.NewGuid():N}"[..30], WebhookFormat.SimpleJson, receiver.Url("broken"));

        var delivery = await SendTestAsync(channelId);

        // RetryBaseSeconds=60, first attempt, jitter fixed at 0.5: half of the 60 s ceiling.
        delivery.State.ShouldBe(DeliveryState.Retrying);
        (delivery.NextAttemptUtc - delivery.LastAttemptUtc!.Value).ShouldBe(TimeSpan.FromSeconds(30));
        delivery.LastError.ShouldBe("Webhook answered 500 Internal Server Error");
    }

    private async Task<int> AddTenantAsync(string name, string tag)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var region = await db.Set<Portal.Features.Regions.Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == Portal.Features.Regions.RegionProduct.Uem, Ct);
        var now = DateTime.UtcNow;
        var tenant = new Portal.Features.Tenants.Tenant
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = "https://hooks.example/console", UemApiUrl = "https://hooks.example/api",
            UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = "client", CreatedUtc = now, CreatedBy = "test", UpdatedUtc = now, UpdatedBy = "test",
        };
        tenant.Tags.Add(new Portal.Features.Tenants.TenantTag { Name = tag });
        db.Add(tenant);
        await db.SaveChangesAsync(Ct);
        db.Add(new Portal.Features.Tenants.TenantSecret { TenantId = tenant.Id, Kind = Portal.Features.Tenants.TenantSecretKind.UemClientSecret, ProtectedValue = "protected", Fingerprint = "sha256:000000000000", SecretSetUtc = now, SetBy = "test" });
        await db.SaveChangesAsync(Ct);
        return tenant.Id;
    }
}
