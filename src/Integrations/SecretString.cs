using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Hosting;

namespace Portal.Integrations;

/// <summary>
/// A client secret, token or API key. <see cref="ToString"/> never shows the value; <see cref="Reveal"/> is for the
/// one place that must send it on the wire.
/// </summary>
[JsonConverter(typeof(SecretStringJsonConverter))]
public sealed class SecretString : ISensitiveValue
{
    private readonly string _value;

    private SecretString(string value, bool wasTrimmed)
    {
        _value = value;
        WasTrimmed = wasTrimmed;
    }

    /// <summary>Wraps <paramref name="raw"/>, trimming whitespace that copy-paste from a console tends to add.</summary>
    public static SecretString Create(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var trimmed = raw.Trim();
        return new SecretString(trimmed, trimmed.Length != raw.Length);
    }

    /// <summary>True when leading or trailing whitespace was removed on creation.</summary>
    public bool WasTrimmed { get; }

    public bool IsEmpty => _value.Length == 0;

    /// <summary>
    /// Unkeyed identity for in-memory cache keys only. Never show, store or log it: a plain hash confirms a guessed
    /// secret. Fingerprints people see come from <c>Portal.Features.Tenants.SecretFingerprints</c> (keyed).
    /// </summary>
    public string Fingerprint => FingerprintOf(_value);

    /// <summary>The unkeyed hash behind <see cref="Fingerprint"/> (cache keys only).</summary>
    public static string FingerprintOf(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..12];
    }

    /// <summary>The plaintext. Only for building the outgoing request.</summary>
    public string Reveal() => _value;

    public override string ToString() => "***";
}

/// <summary>Reads API keys and tokens from JSON straight into <see cref="SecretString"/>; writes only the marker.</summary>
public sealed class SecretStringJsonConverter : JsonConverter<SecretString>
{
    public override SecretString? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : SecretString.Create(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, SecretString value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue("***");
    }
}
