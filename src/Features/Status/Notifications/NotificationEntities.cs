using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Status.Notifications;

public enum NotificationChannelKind
{
    Email = 0,
    Webhook = 1,
}

public enum SmtpSecurity
{
    /// <summary>STARTTLS; falls back to plain text only when Notifications:AllowPlainSmtp is on.</summary>
    Auto = 0,
    None = 1,
    StartTls = 2,
    SslOnConnect = 3,
}

/// <summary>An e-mail or webhook destination for status notifications, for one tenant tag or all tenants.</summary>
public sealed class NotificationChannel
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public NotificationChannelKind Kind { get; set; }

    /// <summary>Only tenants with this tag; null = all tenants.</summary>
    public string? Tag { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Also send one summary a day (status counts and the tenants that are not healthy).</summary>
    public bool DailyDigest { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public SmtpSecurity SmtpSecurity { get; set; }

    public string? SmtpUserName { get; set; }

    /// <summary>Data Protection payload (purpose <see cref="NotificationChannelService.Purpose"/>).</summary>
    public string? ProtectedSmtpPassword { get; set; }

    public string? FromAddress { get; set; }

    /// <summary>Comma-separated recipients.</summary>
    public string? ToAddresses { get; set; }

    /// <summary>The webhook URL embeds a token, so it is a secret: encrypted, shown as fingerprint only.</summary>
    public string? ProtectedWebhookUrl { get; set; }

    /// <summary>Fingerprint of the secret (SMTP password or webhook URL) for display.</summary>
    public string? SecretFingerprint { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public string UpdatedBy { get; set; } = "";
}

public enum DeliveryState
{
    Pending = 0,
    Sent = 1,
    Retrying = 2,
    GaveUp = 3,
}

/// <summary>One message to one channel: the outbox the dispatcher works from, and the send log on the page.</summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }

    public int ChannelId { get; set; }

    public int? TenantId { get; set; }

    /// <summary>Debounce key: one delivery per channel per key (e.g. one per tenant per state change).</summary>
    public string EventKey { get; set; } = "";

    public string EventKind { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public DeliveryState State { get; set; }

    public int Attempts { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime NextAttemptUtc { get; set; }

    public DateTime? LastAttemptUtc { get; set; }

    public DateTime? SentUtc { get; set; }

    public string? LastError { get; set; }
}

public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>First retry after this many seconds, doubling each attempt.</summary>
    [Range(1, 3600)]
    public int RetryBaseSeconds { get; set; } = 30;

    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The dispatcher also looks for due retries this often.</summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 15;

    [Range(1, 120)]
    public int SendTimeoutSeconds { get; set; } = 20;

    /// <summary>Daily digests are queued from this UTC hour on (once per channel per day).</summary>
    [Range(0, 23)]
    public int DigestHourUtc { get; set; } = 7;

    /// <summary>
    /// Lets e-mail channels use plain-text SMTP (security None, or Auto falling back to plain). Off: passwords and
    /// messages never cross the network unencrypted, so every channel needs StartTls or SslOnConnect.
    /// </summary>
    public bool AllowPlainSmtp { get; set; }

    /// <summary>Link target in messages, e.g. https://portal.example.com (optional).</summary>
    public string? PortalBaseUrl { get; set; }
}
