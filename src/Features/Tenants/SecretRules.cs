using System.Globalization;

namespace Portal.Features.Tenants;

/// <summary>Outcome of checking a pasted secret: the trimmed value, or an error; plus a whitespace warning.</summary>
public sealed record SecretCheck(string? Value, string? Error, string? Warning);

/// <summary>Shape checks for secrets (fingerprints: <see cref="SecretFingerprints"/>). Messages name the field but never echo the value.</summary>
public static class SecretRules
{
    public const int MinLength = 8;
    public const int MaxLength = 512;

    /// <summary>Trims and checks a secret; null/empty input means "not provided" (no value, no error).</summary>
    public static SecretCheck Check(string field, string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return new(null, null, null);
        }

        var value = raw.Trim();
        // Pasting from a console or e-mail often drags a trailing space or line break along.
        var warning = value.Length != raw.Length
            ? $"{field}: removed spaces or line breaks pasted before or after the value. Check that the fingerprint matches the source."
            : null;
        if (value.Length == 0)
        {
            return new(null, $"{field} contains only spaces. Paste the value again.", null);
        }

        if (value.Any(char.IsControl))
        {
            return new(null, $"{field} contains invisible control characters. Copy it again from the source.", warning);
        }

        if (value.Any(char.IsWhiteSpace))
        {
            return new(null, $"{field} contains spaces or line breaks inside the value. Secrets never do: copy it again in one piece.", warning);
        }

        if (value.Length < MinLength || value.Length > MaxLength)
        {
            return new(null, string.Create(CultureInfo.InvariantCulture,
                $"{field} is {value.Length} characters long; expected {MinLength}-{MaxLength}. Check that you copied the whole value."), warning);
        }

        return new(value, null, warning);
    }

    /// <summary>True when a pasted value starts or ends with whitespace that <see cref="Check"/> will trim (the forms warn about it).</summary>
    public static bool HasOuterWhitespace(string? raw) => !string.IsNullOrEmpty(raw) && raw.Trim().Length != raw.Length;
}
