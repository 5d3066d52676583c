using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Features.Validation;
using Portal.Integrations.Egress;

namespace Portal.Features.Status.Notifications;

/// <summary>What the page edits. Secrets are write-only: empty keeps the stored value.</summary>
public sealed class ChannelEditModel
{
    public int? Id { get; set; }

    public string Name { get; set; } = "";

    public NotificationChannelKind Kind { get; set; }

    public string? Tag { get; set; }

    public bool Enabled { get; set; } = true;

    public bool DailyDigest { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.StartTls;

    public string? SmtpUserName { get; set; }

    public string? NewSmtpPassword { get; set; }

    public string? FromAddress { get; set; }

    public string? ToAddresses { get; set; }

    public string? NewWebhookUrl { get; set; }
}

public sealed record ChannelSummary(int Id, string Name, NotificationChannelKind Kind, string? Tag, bool Enabled, string Target, string? SecretFingerprint, DateTime UpdatedUtc, string UpdatedBy);

public sealed record DeliverySummary(long Id, string ChannelName, int? TenantId, string EventKind, string Subject, DeliveryState State, int Attempts, DateTime CreatedUtc, DateTime? SentUtc, string? LastError);

/// <summary>Admin management of notification channels; channel secrets are encrypted and never returned.</summary>
public sealed class NotificationChannelService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    CurrentUser currentUser,
    IAuditSink audit,
    NotificationOutbox outbox,
    EgressGuard egress,
    IOptions<NotificationOptions> options,
    SecretFingerprints fingerprints,
    TimeProvider clock)
{
    public const string Purpose = "Portal.NotificationSecrets.v1";

    public const int NameMaxLength = 100;

    public const int SmtpUserNameMaxLength = 255;

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public async Task<IReadOnlyList<ChannelSummary>> ListAsync(CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<NotificationChannel>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(c => new ChannelSummary(c.Id, c.Name, c.Kind, c.Tag, c.Enabled,
            c.Kind == NotificationChannelKind.Email ? $"{c.ToAddresses} via {c.SmtpHost}:{c.SmtpPort}" : "Webhook URL (hidden)",
            c.SecretFingerprint, c.UpdatedUtc, c.UpdatedBy)).ToList();
    }

    public async Task<ChannelEditModel?> GetForEditAsync(int id, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.Set<NotificationChannel>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return c is null ? null : new ChannelEditModel
        {
            Id = c.Id, Name = c.Name, Kind = c.Kind, Tag = c.Tag, Enabled = c.Enabled, DailyDigest = c.DailyDigest, SmtpHost = c.SmtpHost, SmtpPort = c.SmtpPort,
            SmtpSecurity = c.SmtpSecurity, SmtpUserName = c.SmtpUserName, FromAddress = c.FromAddress, ToAddresses = c.ToAddresses,
        };
    }

    public static string? Validate(ChannelEditModel model, bool isNew)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (FreeText.Check("Name", model.Name, NameMaxLength, required: true) is { } nameError)
        {
            return nameError;
        }

        // The user name goes into the SMTP AUTH exchange: a pasted line break must not reach it.
        if (FreeText.Check("SMTP user name", model.SmtpUserName, SmtpUserNameMaxLength) is { } userNameError)
        {
            return userNameError;
        }

        if (ChannelAddressRules.CheckFormat(model, isNew) is { } addressError)
        {
            return addressError;
        }

        return model.Tag is { Length: > TenantTags.MaxLength } ? $"Tags are at most {TenantTags.MaxLength} characters." : null;
    }

    internal static IReadOnlyList<string> SplitAddresses(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Creates or updates a channel; returns an error sentence or null.</summary>
    public async Task<string?> SaveAsync(ChannelEditModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var actor = (await currentUser.RequireAnyRoleAsync(Roles.Admin)).Identity?.Name ?? "unknown";
        var error = Validate(model, model.Id is null) ?? ChannelAddressRules.CheckAgainstPolicy(model, egress, options.Value.AllowPlainSmtp);
        if (error is not null)
        {
            return error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var channel = model.Id is { } id ? await db.Set<NotificationChannel>().FirstOrDefaultAsync(c => c.Id == id, ct) : new NotificationChannel();
        if (channel is null)
        {
            return "That channel no longer exists. Reload the page.";
        }

        channel.Name = model.Name.Trim();
        channel.Kind = model.Kind;
        channel.Tag = string.IsNullOrWhiteSpace(model.Tag) ? null : TenantTags.Normalize(model.Tag);
        channel.Enabled = model.Enabled;
        channel.DailyDigest = model.DailyDigest;
        channel.SmtpHost = model.SmtpHost?.Trim();
        channel.SmtpPort = model.SmtpPort;
        channel.SmtpSecurity = model.SmtpSecurity;
        channel.SmtpUserName = string.IsNullOrWhiteSpace(model.SmtpUserName) ? null : model.SmtpUserName.Trim();
        channel.FromAddress = model.FromAddress?.Trim();
        channel.ToAddresses = model.ToAddresses?.Trim();
        var secretReplaced = false;
        if (model.Kind == NotificationChannelKind.Email && !string.IsNullOrEmpty(model.NewSmtpPassword))
        {
            channel.ProtectedSmtpPassword = _protector.Protect(model.NewSmtpPassword);
            channel.SecretFingerprint = fingerprints.Of(model.NewSmtpPassword);
            secretReplaced = true;
        }

        if (model.Kind == NotificationChannelKind.Webhook && !string.IsNullOrWhiteSpace(model.NewWebhookUrl))
        {
            channel.ProtectedWebhookUrl = _protector.Protect(model.NewWebhookUrl.Trim());
            channel.SecretFingerprint = fingerprints.Of(model.NewWebhookUrl.Trim());
            secretReplaced = true;
        }

        channel.UpdatedUtc = clock.GetUtcNow().UtcDateTime;
        channel.UpdatedBy = actor;
        if (model.Id is null)
        {
            db.Add(channel);
        }

        await db.SaveChangesAsync(ct);
        model.NewSmtpPassword = null;
        model.NewWebhookUrl = null;
        await audit.WriteAsync(new AuditEvent(model.Id is null ? "notification.channel.created" : "notification.channel.updated", AuditOutcome.Success, TenantId: null,
            new Dictionary<string, string?>
            {
                ["channel"] = channel.Name,
                ["kind"] = channel.Kind.ToString(),
                ["tag"] = channel.Tag ?? "all",
                ["enabled"] = channel.Enabled ? "true" : "false",
                ["dailyDigest"] = channel.DailyDigest ? "true" : "false",
                ["secret"] = secretReplaced ? "replaced " + channel.SecretFingerprint : "unchanged",
            }), ct);
        return null;
    }

    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = await db.Set<NotificationChannel>().Where(c => c.Id == id).Select(c => c.Name).FirstOrDefaultAsync(ct);
        await db.Set<NotificationChannel>().Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        await audit.WriteAsync(new AuditEvent("notification.channel.deleted", AuditOutcome.Success, TenantId: null,
            new Dictionary<string, string?> { ["channel"] = name }), ct);
    }

    /// <summary>Queues a test message on one channel (sent by the dispatcher like any other; the result shows in the log).</summary>
    public async Task<string> SendTestAsync(int id, CancellationToken ct = default)
    {
        var actor = (await currentUser.RequireAnyRoleAsync(Roles.Admin)).Identity?.Name ?? "unknown";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var channel = await db.Set<NotificationChannel>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null)
        {
            return "That channel no longer exists. Reload the page.";
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Add(new NotificationDelivery
        {
            ChannelId = id, EventKey = "test:" + Guid.NewGuid().ToString("N"), EventKind = "Test",
            Subject = "[Connector Portal] Test message", Body = $"This is a test of the notification channel \"{channel.Name}\", sent by {actor}.",
            State = DeliveryState.Pending, CreatedUtc = now, NextAttemptUtc = now,
        });
        await db.SaveChangesAsync(ct);
        outbox.Poke();
        await audit.WriteAsync(new AuditEvent("notification.channel.tested", AuditOutcome.Success, TenantId: null,
            new Dictionary<string, string?> { ["channel"] = channel.Name }), ct);
        return $"Test message queued for {channel.Name}. Reload the deliveries to see the result.";
    }

    public async Task<IReadOnlyList<DeliverySummary>> RecentDeliveriesAsync(int take, CancellationToken ct = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from d in db.Set<NotificationDelivery>().AsNoTracking()
                      join c in db.Set<NotificationChannel>() on d.ChannelId equals c.Id
                      orderby d.Id descending
                      select new DeliverySummary(d.Id, c.Name, d.TenantId, d.EventKind, d.Subject, d.State, d.Attempts, d.CreatedUtc, d.SentUtc, d.LastError))
            .Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }
}
