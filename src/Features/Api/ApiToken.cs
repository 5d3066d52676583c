using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Api;

/// <summary>
/// A personal API token. Only the SHA-256 of the token is stored: a copy of the database cannot be replayed against the
/// API. The token carries no roles of its own; each request acts with its owner's current roles and tenant scope.
/// </summary>
public sealed class ApiToken
{
    public const int NameMaxLength = 100;

    public int Id { get; set; }

    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The first characters of the token (e.g. <c>cpt_AbC12xYz</c>), so owners can tell their tokens apart.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public string TokenHash { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime? ExpiresUtc { get; set; }

    public DateTime? RevokedUtc { get; set; }

    public string? RevokedBy { get; set; }

    public DateTime? LastUsedUtc { get; set; }

    /// <summary>The day (UTC midnight) read access was last audited: reads are audited once per token per day.</summary>
    public DateTime? LastUseAuditedUtc { get; set; }
}

/// <summary>The token format: a recognisable <c>cpt_</c> prefix (secret scanners can match it) and 256 random bits.</summary>
public static class ApiTokenFormat
{
    public const string Marker = "cpt_";

    /// <summary>Characters of the token shown in lists: the marker and 8 random characters (48 bits; never enough to guess the rest).</summary>
    public const int PrefixLength = 12;

    public static string NewToken() => Marker + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool LooksLikeToken(string? value) =>
        value is { Length: > PrefixLength and < 100 } && value.StartsWith(Marker, StringComparison.Ordinal);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string PrefixOf(string token) => token[..PrefixLength];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
