using System.Diagnostics;
using OpenTelemetry;

namespace Portal.Features.Telemetry;

/// <summary>
/// The last word on what a span may carry, applied before any exporter sees it. Query strings are dropped (OIDC codes,
/// tokens someone put in a link); outbound calls keep scheme, host and port only, because a webhook URL (Teams, Slack)
/// carries its secret in the path. Headers and bodies are never recorded by the instrumentations in the first place.
/// </summary>
public sealed class SpanRedaction : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url"];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string url)
            {
                data.SetTag(tag, Redact(url, keepPath: data.Kind != ActivityKind.Client));
            }
        }

        if (data.GetTagItem("url.query") is not null)
        {
            data.SetTag("url.query", null);
        }

        if (data.GetTagItem("http.target") is string target && target.Contains('?', StringComparison.Ordinal))
        {
            data.SetTag("http.target", target[..target.IndexOf('?', StringComparison.Ordinal)]);
        }
    }

    public static string Redact(string url, bool keepPath) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}{(keepPath ? uri.AbsolutePath : "/")}"
            : "[redacted]";
}
