using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Portal.Features.Audit;

/// <summary>The HMAC-SHA256 hash chain over audit entries, keyed with a secret kept outside the database.</summary>
public sealed class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly byte[] _key;

    public AuditChain(IOptions<AuditOptions> options, IOptions<Hosting.DataProtectionStorageOptions> keyRing, IHostEnvironment environment, IDataProtectionProvider dataProtection)
        : this(LoadOrCreateKey(options.Value.ResolveKeyPath(environment.ContentRootPath, keyRing.Value), dataProtection.CreateProtector("Portal.AuditChainKey.v1")))
    {
    }

    internal AuditChain(byte[] key) => _key = key;

    /// <summary>The canonical, order-fixed serialisation of everything the hash covers (the id included, so reordering is caught).</summary>
    public static string Canonical(AuditEntry entry) => string.Join('\n',
        entry.Id.ToString(CultureInfo.InvariantCulture),
        entry.TimestampUtc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        entry.Actor,
        entry.ActorRoles,
        entry.SourceIp ?? "",
        entry.TenantId ?? "",
        entry.TenantName ?? "",
        entry.Action,
        entry.Outcome.ToString(),
        entry.DetailsJson,
        entry.CorrelationId);

    public string ComputeHash(string previousHash, AuditEntry entry)
    {
        var content = Encoding.UTF8.GetBytes(previousHash + "\n" + Canonical(entry));
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, content));
    }

    public string Sign(AuditAnchor anchor) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(
            $"anchor\n{anchor.FirstRetainedId.ToString(CultureInfo.InvariantCulture)}\n{anchor.PreviousHash}")));

    /// <summary>Sorted-key JSON so the same details always hash the same.</summary>
    public static string CanonicalDetails(IReadOnlyDictionary<string, string?>? details) =>
        details is null || details.Count == 0
            ? "{}"
            : JsonSerializer.Serialize(new SortedDictionary<string, string?>(details.ToDictionary(), StringComparer.Ordinal), DetailsJsonOptions);

    /// <summary>Readable non-ASCII (names, arrows) in details; HTML-sensitive characters stay escaped.</summary>
    private static readonly JsonSerializerOptions DetailsJsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    private static byte[] LoadOrCreateKey(string path, IDataProtector protector)
    {
        if (File.Exists(path))
        {
            try
            {
                return protector.Unprotect(File.ReadAllBytes(path));
            }
            catch (CryptographicException ex)
            {
                throw new Hosting.PortalStartupException(
                    $"The audit chain key '{path}' cannot be decrypted with the current Data Protection key ring. " +
                    "Restore the key ring folder (DataProtection:KeysPath) that was backed up with it.", ex);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(path, protector.Protect(key));
        return key;
    }
}
