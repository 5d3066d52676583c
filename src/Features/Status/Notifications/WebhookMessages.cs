using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Features.Status.Notifications;

/// <summary>
/// The JSON a webhook channel posts, per <see cref="WebhookFormat"/>. Text is the delivery's subject and body (names and
/// statuses only); the link is the filtered status board, built from Notifications:PortalBaseUrl when the event was queued.
/// </summary>
public static class WebhookMessages
{
    public const string LinkTitle = "Open the status board";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string Build(WebhookFormat format, NotificationDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        JsonNode payload = format switch
        {
            WebhookFormat.Teams => TeamsCard(delivery),
            WebhookFormat.Slack => SlackBlocks(delivery),
            WebhookFormat.SignedJson => Generic(delivery),
            _ => Simple(delivery),
        };
        return payload.ToJsonString(Compact);
    }

    /// <summary>The original shape: "text" is what Teams connectors and Slack incoming webhooks displayed.</summary>
    private static JsonObject Simple(NotificationDelivery d) => new()
    {
        ["text"] = d.Subject + "\n" + d.Body,
        ["title"] = d.Subject,
        ["kind"] = d.EventKind,
        ["tenantId"] = d.TenantId,
        ["link"] = d.Link,
    };

    /// <summary>
    /// Teams Workflows ("When a Teams webhook request is received") accept only a message whose attachments are Adaptive
    /// Cards. Version 1.4 renders in every current Teams client. Text goes in RichTextBlock/TextRun, which renders no
    /// Markdown (a TextBlock would): a tenant named "[Re-authorise here](https://evil.example)" shows as text, not a link.
    /// Each body line is its own block so line breaks survive.
    /// </summary>
    private static JsonObject TeamsCard(NotificationDelivery d)
    {
        var body = new JsonArray(PlainRun(d.Subject, new JsonObject { ["weight"] = "Bolder", ["size"] = "Medium" }));
        foreach (var line in Lines(d.Body))
        {
            body.Add(PlainRun(line, null));
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (d.Link is not null)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = LinkTitle, ["url"] = d.Link });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        };
    }

    /// <summary>
    /// Slack Block Kit with a "text" fallback (notifications and old clients show it). Block text is plain_text and the
    /// fallback is escaped, so a tenant named "&lt;!channel&gt;" cannot mention everyone.
    /// </summary>
    private static JsonObject SlackBlocks(NotificationDelivery d)
    {
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Shorten(d.Subject, 150)) },
            new JsonObject { ["type"] = "section", ["text"] = PlainText(Shorten(d.Body, 3000)) });
        if (d.Link is not null)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(new JsonObject { ["type"] = "button", ["text"] = PlainText(LinkTitle), ["url"] = d.Link }),
            });
        }

        return new JsonObject { ["text"] = SlackEscape(d.Subject), ["blocks"] = blocks };
    }

    /// <summary>Generic receivers: structured fields; the delivery id lets a receiver drop a retried duplicate.</summary>
    private static JsonObject Generic(NotificationDelivery d) => new()
    {
        ["deliveryId"] = d.Id,
        ["event"] = d.EventKind,
        ["tenantId"] = d.TenantId,
        ["subject"] = d.Subject,
        ["text"] = d.Body,
        ["link"] = d.Link,
        ["createdUtc"] = d.CreatedUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    private static JsonObject PlainRun(string text, JsonObject? style)
    {
        var run = new JsonObject { ["type"] = "TextRun", ["text"] = text };
        foreach (var (key, value) in style?.ToList() ?? [])
        {
            run[key] = value?.DeepClone();
        }

        return new JsonObject { ["type"] = "RichTextBlock", ["inlines"] = new JsonArray(run), ["spacing"] = "Small" };
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = false };

    private static IEnumerable<string> Lines(string body) => body.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);

    private static string Shorten(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    private static string SlackEscape(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

/// <summary>
/// The signature of a <see cref="WebhookFormat.SignedJson"/> post: <c>X-Portal-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// where hex = HMAC-SHA256(key = UTF-8 of the channel's signing secret, message = UTF-8 of "&lt;t&gt;." + raw body).
/// A receiver recomputes it, compares in constant time and refuses a t older than its replay window (README: Notifications).
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-Portal-Signature";

    public const string SecretPrefix = "whsec_";

    /// <summary>A new signing secret: 32 random bytes, base64url, with a prefix that makes it recognisable in a vault.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Header(string secret, string body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Compute(secret, timestamp, body)}";
    }

    /// <summary>What a receiver does (also used by the tests): parse, recompute, compare in constant time, check the window.</summary>
    public static bool Verify(string secret, string body, string? header, DateTimeOffset now, TimeSpan replayWindow)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var parts = (header ?? "").Split(',', StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var timestamp) || !parts.TryGetValue("v1", out var signature)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > replayWindow)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
    }

    private static string Compute(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
}
