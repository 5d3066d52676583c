using System.Globalization;

namespace Portal.Features.Validation;

/// <summary>
/// The one rule for text people type or paste (names, references, notes, tags, reasons): a length limit that is
/// reported, never applied by cutting; and no invisible control or text-direction characters, which can make a list
/// show "QA live" for <c>QA \u202Eevil</c> or smuggle NUL into exports. Every validator and service calls it, so the
/// browser's behaviour does not matter.
/// </summary>
public static class FreeText
{
    /// <summary>
    /// Checks <paramref name="value"/> as it will be stored (trimmed). Returns a message naming the field and the fix,
    /// or null when the value is acceptable. <paramref name="multiLine"/> fields may contain CR, LF and TAB.
    /// </summary>
    public static string? Check(string field, string? value, int maxLength, bool required = false, bool multiLine = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? $"{field} is required." : null;
        }

        if (FirstForbidden(value, multiLine) is { } bad)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{field} contains an invisible control or text-direction character (U+{(int)bad:X4}); remove it.");
        }

        var length = value.Trim().Length;
        return length > maxLength
            ? string.Create(CultureInfo.InvariantCulture, $"{field} must be at most {maxLength} characters (it has {length}).")
            : null;
    }

    /// <summary>The first character the rule refuses, or null.</summary>
    public static char? FirstForbidden(string? value, bool multiLine = false)
    {
        if (value is null)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (IsForbidden(c, multiLine))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>C0 (bar CR/LF/TAB in multi-line fields), DEL, C1, and the bidirectional marks, embeddings, overrides and isolates.</summary>
    public static bool IsForbidden(char c, bool multiLine = false) => c switch
    {
        '\r' or '\n' or '\t' => !multiLine,
        _ when char.IsControl(c) => true, // U+0000–U+001F, U+007F–U+009F
        '\u200E' or '\u200F' or '\u061C' => true, // LRM, RLM, Arabic letter mark
        >= '\u202A' and <= '\u202E' => true, // LRE, RLE, PDF, LRO, RLO
        >= '\u2066' and <= '\u2069' => true, // LRI, RLI, FSI, PDI
        _ => false,
    };
}
