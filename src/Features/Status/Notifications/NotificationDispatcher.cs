using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data;
using Portal.Features.Tenants;
using Portal.Integrations.Egress;

namespace Portal.Features.Status.Notifications;

/// <summary>
/// Turns events into outbox rows (one per matching channel, debounced by a unique event key) and wakes the dispatcher.
/// The sweep only writes rows; sending happens on the dispatcher so a slow SMTP server never blocks a sweep.
/// </summary>
public sealed class NotificationOutbox(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, IOptions<NotificationOptions> options)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    internal ChannelReader<bool> Wake => _wake.Reader;

    /// <summary>Returns the number of deliveries queued (0 when every key was already queued for its channel).</summary>
    public async Task<int> EnqueueAsync(IReadOnlyCollection<NotificationEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var channels = await db.Set<NotificationChannel>().AsNoTracking().Where(c => c.Enabled).Select(c => new { c.Id, c.Tag }).ToListAsync(ct);
        if (channels.Count == 0)
        {
            return 0;
        }

        var keys = events.Select(e => e.EventKey).Distinct().ToList();
        var existing = (await db.Set<NotificationDelivery>().AsNoTracking().Where(d => keys.Contains(d.EventKey))
            .Select(d => new { d.ChannelId, d.EventKey }).ToListAsync(ct)).Select(d => (d.ChannelId, d.EventKey)).ToHashSet();
        var now = clock.GetUtcNow().UtcDateTime;
        var added = 0;
        foreach (var e in events)
        {
            foreach (var channel in channels.Where(c => c.Tag is null || e.TenantTags.Contains(c.Tag)))
            {
                if (!existing.Add((channel.Id, e.EventKey)))
                {
                    continue;
                }

                db.Add(new NotificationDelivery
                {
                    ChannelId = channel.Id, TenantId = e.TenantId, EventKey = e.EventKey, EventKind = e.Kind.ToString(),
                    Subject = e.Subject, Body = e.Body, Link = e.Link, State = DeliveryState.Pending, CreatedUtc = now, NextAttemptUtc = now,
                });
                added++;
            }
        }

        if (added > 0)
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (events.Count > 1)
            {
                // A batch of several tenants' events: one key queued concurrently must not lose the others.
                var queued = 0;
                foreach (var e in events)
                {
                    queued += await EnqueueAsync([e], ct);
                }

                return queued;
            }
            catch (DbUpdateException)
            {
                // A concurrent sweep queued the same key first (unique index): that one message is enough.
                return 0;
            }

            _wake.Writer.TryWrite(true);
        }

        return added;
    }

    /// <summary>Wakes the dispatcher after a delivery was queued elsewhere (test messages).</summary>
    internal void Poke() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Queues today's digest for each digest channel (once per channel per UTC day, by event key): counts per status and
    /// the tenants that are not healthy, for the channel's tag. Names and statuses only.
    /// </summary>
    public async Task<int> EnqueueDailyDigestsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var key = "digest:" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var channels = await db.Set<NotificationChannel>().AsNoTracking().Where(c => c.Enabled && c.DailyDigest)
            .Where(c => !db.Set<NotificationDelivery>().Any(d => d.ChannelId == c.Id && d.EventKey == key)).ToListAsync(ct);
        foreach (var channel in channels)
        {
            var tenants = db.Set<Tenant>().AsNoTracking().Where(t => !t.IsArchived);
            if (channel.Tag is { } tag)
            {
                tenants = tenants.Where(t => t.Tags.Any(x => x.Name == tag));
            }

            var rows = await (from t in tenants
                              join s in db.Set<TenantStatusSnapshot>() on t.Id equals s.TenantId into g
                              from s in g.DefaultIfEmpty()
                              select new { t.DisplayName, Status = s == null ? ConnectionStatus.Stale : s.Status }).ToListAsync(ct);
            var lines = new List<string> { $"Connection status on {now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} ({(channel.Tag is null ? "all tenants" : "tenants tagged " + channel.Tag)}):" };
            lines.AddRange(rows.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{StatusRules.Describe(g.Key)}: {g.Count()}"));
            var unhealthy = rows.Where(r => r.Status is ConnectionStatus.Failing or ConnectionStatus.NeedsReauthorisation or ConnectionStatus.Degraded)
                .OrderBy(r => r.Status).ThenBy(r => r.DisplayName, StringComparer.OrdinalIgnoreCase).Take(50).ToList();
            if (unhealthy.Count > 0)
            {
                lines.Add("");
                lines.Add("Needs attention:");
                lines.AddRange(unhealthy.Select(r => $"- {r.DisplayName}: {StatusRules.Describe(r.Status)}"));
            }

            var body = string.Join("\n", lines);
            db.Add(new NotificationDelivery
            {
                ChannelId = channel.Id, EventKey = key, EventKind = "DailyDigest",
                Subject = $"[Connector Portal] Daily status digest: {unhealthy.Count} tenant(s) need attention",
                Body = body.Length <= 4000 ? body : body[..4000], State = DeliveryState.Pending, CreatedUtc = now, NextAttemptUtc = now,
                Link = NotificationRules.BoardLink(options.Value.PortalBase, new StatusBoardQuery { Tag = channel.Tag }),
            });
        }

        if (channels.Count > 0)
        {
            await db.SaveChangesAsync(ct);
            _wake.Writer.TryWrite(true);
        }

        return channels.Count;
    }
}

/// <summary>Sends due deliveries and retries failures with exponential backoff; every attempt is recorded on the row.</summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<PortalDbContext> dbFactory,
    NotificationOutbox outbox,
    Cluster.BackgroundWorkLease lease,
    IDataProtectionProvider dataProtection,
    IHttpClientFactory httpClients,
    EgressGuard egress,
    TimeProvider clock,
    IOptions<NotificationOptions> options,
    IRetryJitter jitter,
    ILogger<NotificationDispatcher> logger,
    Telemetry.PortalMetrics? metrics = null) : BackgroundService
{
    public const string HttpClientName = "notifications";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(NotificationChannelService.Purpose);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lease.FirstAttempt.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (lease.IsHeld)
            {
                // One instance delivers, so nobody gets a message twice.
                await Hosting.BackgroundLoop.RunPassAsync(DispatchDueAsync, logger, "Notification dispatch failed; retrying on the next poll", stoppingToken);
            }

            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            poll.CancelAfter(TimeSpan.FromSeconds(options.Value.PollSeconds));
            try
            {
                await outbox.Wake.ReadAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // poll interval elapsed: look for due retries
            }
        }
    }

    /// <summary>Sends every due delivery once; returns how many were attempted.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.Set<NotificationDelivery>()
            .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptUtc <= now)
            .OrderBy(d => d.NextAttemptUtc).Take(100).ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }

        var channelIds = due.Select(d => d.ChannelId).Distinct().ToList();
        var channels = await db.Set<NotificationChannel>().AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        foreach (var delivery in due)
        {
            delivery.Attempts++;
            delivery.LastAttemptUtc = clock.GetUtcNow().UtcDateTime;
            try
            {
                if (!channels.TryGetValue(delivery.ChannelId, out var channel))
                {
                    throw new InvalidOperationException("The channel was deleted.");
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.SendTimeoutSeconds));
                await SendAsync(channel, delivery, timeout.Token);
                delivery.State = DeliveryState.Sent;
                delivery.SentUtc = clock.GetUtcNow().UtcDateTime;
                delivery.LastError = null;
            }
            catch (Exception ex) when ((ex is not OperationCanceledException || !ct.IsCancellationRequested) && RefusedForGood(ex) is { } reason)
            {
                // A refused address or a plain-text SMTP channel will not fix itself: no retry, the reason is on the record.
                delivery.State = DeliveryState.GaveUp;
                delivery.LastError = Truncate(reason, 500);
                logger.LogWarning("Notification {DeliveryId} to channel {ChannelId} refused: {Error}", delivery.Id, delivery.ChannelId, delivery.LastError);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var giveUp = delivery.Attempts >= options.Value.MaxAttempts;
                delivery.State = giveUp ? DeliveryState.GaveUp : DeliveryState.Retrying;
                var retryAfter = (ex as WebhookRejectedException)?.RetryAfter;
                delivery.NextAttemptUtc = delivery.LastAttemptUtc.Value + DeliveryRetryPolicy.NextDelay(delivery.Attempts, retryAfter, options.Value, jitter.Next());
                // Exception messages from MailKit/HttpClient name hosts and status codes, not credentials or the webhook path.
                delivery.LastError = Truncate(ex switch
                {
                    OperationCanceledException => "Timed out",
                    WebhookRejectedException => ex.Message + (retryAfter is { } wait ? string.Create(CultureInfo.InvariantCulture, $"; the receiver asked to wait {wait.TotalSeconds:0} s") : ""),
                    _ => $"{ex.GetType().Name}: {ex.Message}",
                }, 500);
                logger.LogWarning("Notification {DeliveryId} to channel {ChannelId} failed (attempt {Attempt}): {Error}", delivery.Id, delivery.ChannelId, delivery.Attempts, delivery.LastError);
            }

            await db.SaveChangesAsync(ct);
            metrics?.CountNotification(delivery.State);
        }

        return due.Count;
    }

    private async Task SendAsync(NotificationChannel channel, NotificationDelivery delivery, CancellationToken ct)
    {
        if (channel.Kind == NotificationChannelKind.Webhook)
        {
            var url = Unprotect(channel.ProtectedWebhookUrl) ?? throw new InvalidOperationException("The webhook URL cannot be decrypted; re-enter it.");
            await PostWebhookAsync(channel, delivery, new Uri(url), ct);
            return;
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(channel.FromAddress ?? ""));
        foreach (var to in NotificationChannelService.SplitAddresses(channel.ToAddresses))
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = delivery.Subject;
        message.Body = new TextPart("plain") { Text = delivery.Body };
        var plainAllowed = options.Value.AllowPlainSmtp;
        var security = channel.SmtpSecurity switch
        {
            SmtpSecurity.None when plainAllowed => SecureSocketOptions.None,
            SmtpSecurity.None => throw new PlainSmtpRefusedException(),
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => plainAllowed ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.StartTls, // Auto never falls back to plain text unless allowed
        };
        var host = channel.SmtpHost ?? "";
        using var smtp = new SmtpClient();
        // MailKit gets a socket the egress guard connected (to the address it checked); it only speaks SMTP and TLS over it.
        var socket = await egress.ConnectAsync(host, channel.SmtpPort, ct);
        try
        {
            await smtp.ConnectAsync(socket, host, channel.SmtpPort, security, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        if (channel.SmtpUserName is not null)
        {
            var password = Unprotect(channel.ProtectedSmtpPassword) ?? throw new InvalidOperationException("The SMTP password cannot be decrypted; re-enter it.");
            await smtp.AuthenticateAsync(channel.SmtpUserName, password, ct);
        }

        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }

    /// <summary>Posts the channel's format; a signed channel adds the HMAC header over exactly the bytes sent.</summary>
    private async Task PostWebhookAsync(NotificationChannel channel, NotificationDelivery delivery, Uri url, CancellationToken ct)
    {
        var body = WebhookMessages.Build(channel.WebhookFormat, delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (channel.WebhookFormat == WebhookFormat.SignedJson)
        {
            var secret = Unprotect(channel.ProtectedSigningSecret) ?? throw new InvalidOperationException("The signing secret cannot be decrypted; edit the channel and generate a new one.");
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Header(secret, body, clock.GetUtcNow()));
            request.Headers.Add("X-Portal-Delivery", delivery.Id.ToString(CultureInfo.InvariantCulture));
        }

        using var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, ct);
        var status = response.StatusCode;
        if ((int)status is >= 300 and < 400)
        {
            throw new WebhookRejectedException(status, $"Webhook answered {(int)status} {response.ReasonPhrase}: a redirect, which is not followed. Enter the final webhook URL.", null, permanent: true);
        }

        if (!response.IsSuccessStatusCode)
        {
            var permanent = DeliveryRetryPolicy.IsPermanent(status);
            throw new WebhookRejectedException(status, DeliveryRetryPolicy.Diagnose(status, response.ReasonPhrase),
                permanent ? null : Integrations.RetryAfterHeader.Wait(response, clock), permanent);
        }
    }

    private string? Unprotect(string? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The reason when a send failed in a way retrying cannot change, else null.</summary>
    private static string? RefusedForGood(Exception exception) =>
        EgressRefusedException.Find(exception)?.Message ?? (exception as PlainSmtpRefusedException)?.Message
        ?? (exception is WebhookRejectedException { Permanent: true } rejected ? rejected.Message : null);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>An e-mail channel without TLS while <see cref="NotificationOptions.AllowPlainSmtp"/> is off.</summary>
public sealed class PlainSmtpRefusedException : Exception
{
    public PlainSmtpRefusedException()
        : base("Refused: this e-mail channel uses plain-text SMTP. Edit the channel and choose StartTls or SslOnConnect, or set Notifications:AllowPlainSmtp=true for a relay that cannot do TLS.")
    {
    }

    public PlainSmtpRefusedException(string message)
        : base(message)
    {
    }

    public PlainSmtpRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
