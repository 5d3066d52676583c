using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Portal.Integrations.Egress;

namespace Portal.Features.Status.Notifications;

/// <summary>
/// Save-time checks of a channel's addresses (SMTP host, port, From/To, webhook URL). Each message names the field and
/// the fix. The egress guard refuses the same internal addresses again at connect time, whatever DNS says then.
/// </summary>
public static partial class ChannelAddressRules
{
    public const int MaxWebhookUrlLength = 2048;

    /// <summary>Format rules that need no settings: the first problem, or null.</summary>
    public static string? CheckFormat(ChannelEditModel model, bool isNew)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Kind == NotificationChannelKind.Email)
        {
            return SmtpHost(model.SmtpHost) ?? SmtpPort(model.SmtpPort) ?? FromAddress(model.FromAddress) ?? ToAddresses(model.ToAddresses);
        }

        return isNew || !string.IsNullOrWhiteSpace(model.NewWebhookUrl) ? WebhookUrl(model.NewWebhookUrl) : null;
    }

    /// <summary>Rules that depend on settings: the egress allow-list, demo mode and whether plain SMTP is allowed.</summary>
    public static string? CheckAgainstPolicy(ChannelEditModel model, EgressGuard egress, bool allowPlainSmtp)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(egress);
        if (model.Kind == NotificationChannelKind.Email)
        {
            if (model.SmtpSecurity == SmtpSecurity.None && !allowPlainSmtp)
            {
                return "Connection security: plain-text SMTP would send the password and messages unencrypted. Choose StartTls or SslOnConnect "
                     + "(or an administrator sets Notifications:AllowPlainSmtp=true for a relay that cannot do TLS).";
            }

            return egress.CheckLiteral(model.SmtpHost!.Trim(), model.SmtpPort) is { } refused ? "SMTP host: " + refused : null;
        }

        if (string.IsNullOrWhiteSpace(model.NewWebhookUrl))
        {
            return null;
        }

        var uri = new Uri(model.NewWebhookUrl.Trim());
        if (egress.CheckLiteral(uri.Host, uri.Port) is { } refusal)
        {
            return "Webhook URL: " + refusal;
        }

        // The URL carries the token: plain http only towards a network an administrator opened for a lab.
        return uri.Scheme == Uri.UriSchemeHttp && !(IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && EgressRules.ForbiddenBy(ip) is not null)
            ? "Webhook URL must start with https:// (the URL contains a token). Plain http:// is accepted only for an address inside Egress:AllowedNetworks."
            : null;
    }

    private static string? SmtpHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return "SMTP host is required. Enter the mail relay's name, e.g. smtp.example.com.";
        }

        var trimmed = host.Trim();
        return trimmed.Length <= 253 && (HostName().IsMatch(trimmed) || IPAddress.TryParse(trimmed.Trim('[', ']'), out _))
            ? null
            : "SMTP host is not a valid host name. Enter only the name, e.g. smtp.example.com: letters, digits, '-' and '.', no spaces, '<', '>', scheme or port.";
    }

    private static string? SmtpPort(int port) => port is >= 1 and <= 65535
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"SMTP port {port} is out of range. Enter a port between 1 and 65535 (usually 587 for StartTls or 465 for SslOnConnect).");

    private static string? FromAddress(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "From address is required. Enter the sender, e.g. portal@example.com.";
        }

        return IsMailbox(value) ? null : $"From address '{Shorten(value)}' is not a valid e-mail address. Enter one address like portal@example.com.";
    }

    private static string? ToAddresses(string? value)
    {
        var addresses = NotificationChannelService.SplitAddresses(value);
        if (addresses.Count == 0)
        {
            return "To is required. Enter at least one recipient, e.g. ops@example.com; separate several with commas.";
        }

        if (addresses.Count > 50)
        {
            return "To lists more than 50 recipients. Use a distribution list address instead.";
        }

        var bad = addresses.FirstOrDefault(a => !IsMailbox(a));
        return bad is null ? null : $"To: '{Shorten(bad)}' is not a valid e-mail address. Enter addresses like ops@example.com, separated by commas.";
    }

    private static string? WebhookUrl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "Webhook URL is required. Paste the incoming-webhook address from Teams, Slack or your receiver (https://…).";
        }

        var trimmed = value.Trim();
        if (trimmed.Length > MaxWebhookUrlLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Webhook URL is too long ({trimmed.Length:N0} characters). Use at most {MaxWebhookUrlLength:N0}: paste only the webhook address.");
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            return "Webhook URL is not a full address. Paste it as given by the receiver, starting with https://.";
        }

        return string.IsNullOrEmpty(uri.UserInfo) && !trimmed.Any(char.IsWhiteSpace)
            ? null
            : "Webhook URL must not contain a user name, password or spaces before the host. Paste the receiver's address exactly.";
    }

    /// <summary>A single plain address (local@domain with a dotted domain), no display name or route.</summary>
    internal static bool IsMailbox(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length <= 254
            && MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox)
            && mailbox.Name is null or ""
            && string.Equals(mailbox.Address, trimmed, StringComparison.Ordinal)
            && mailbox.Address.IndexOf('@', StringComparison.Ordinal) is var at && at > 0
            && HostName().IsMatch(mailbox.Address[(at + 1)..])
            && mailbox.Address[(at + 1)..].Contains('.', StringComparison.Ordinal);
    }

    private static string Shorten(string value) => value.Length > 60 ? value[..60] + "…" : value;

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
