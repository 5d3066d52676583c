namespace Portal.Features.Validation;

/// <summary>
/// Token and API URLs are stored without a trailing slash: the clients append their paths, and
/// <c>/connect/token/</c> is a different address on some servers. The change is always reported, never silent.
/// </summary>
public static class TrailingSlash
{
    public const string Note = "The trailing slash was removed: the portal adds the path itself.";

    /// <summary>The trimmed URL without trailing slashes; unchanged when it is blank or would not stay a full address.</summary>
    public static string? Remove(string? url)
    {
        var trimmed = url?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !trimmed.EndsWith('/'))
        {
            return url;
        }

        var stripped = trimmed.TrimEnd('/');
        return Uri.TryCreate(stripped, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? stripped : url;
    }

    /// <summary>Removes the slash from <paramref name="url"/> and adds "<paramref name="field"/>: note" to <paramref name="notes"/> when it did.</summary>
    public static string? Remove(string field, string? url, ICollection<string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        var stripped = Remove(url);
        if (!string.Equals(stripped, url, StringComparison.Ordinal))
        {
            notes.Add($"{field}: the trailing slash was removed (the portal adds the path itself). Stored as {stripped}.");
        }

        return stripped;
    }
}
