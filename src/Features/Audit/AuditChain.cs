using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>The HMAC-SHA256 hash chain over audit entries, keyed with a secret the database alone cannot reveal.</summary>
public sealed class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly byte[] _key;

    public AuditChain(
        IOptions<AuditOptions> options,
        IOptions<Hosting.DataProtectionStorageOptions> keyRing,
        IOptions<DatabaseOptions> database,
        IHostEnvironment environment,
        IDataProtectionProvider dataProtection,
        IDbContextFactory<PortalDbContext> dbFactory,
        TimeProvider clock)
        : this(database.Value.IsPostgres
            ? LoadOrCreateSharedKey(dbFactory, dataProtection.CreateProtector(KeyPurpose), clock)
            : LoadOrCreateKey(options.Value.ResolveKeyPath(environment.ContentRootPath, keyRing.Value), dataProtection.CreateProtector(KeyPurpose), dbFactory))
    {
    }

    private const string KeyPurpose = "Portal.AuditChainKey.v1";

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

    /// <summary>Signs a checkpoint line of the anchor file (a distinct prefix, so no entry hash can pass for one).</summary>
    public string Sign(AuditCheckpoint checkpoint) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(checkpoint.Canonical())));

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

    /// <summary>
    /// Several instances: the first to start creates the key; a second racing it loses on the primary key and reads the
    /// winner's. Runs once per process (the chain is a singleton), so the synchronous database call is acceptable.
    /// </summary>
    private static byte[] LoadOrCreateSharedKey(IDbContextFactory<PortalDbContext> dbFactory, IDataProtector protector, TimeProvider clock)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var db = dbFactory.CreateDbContext();
            var stored = db.Set<AuditChainKey>().AsNoTracking().FirstOrDefault(k => k.Id == AuditChainKey.SingletonId);
            if (stored is not null)
            {
                try
                {
                    return protector.Unprotect(stored.ProtectedKey);
                }
                catch (CryptographicException ex)
                {
                    throw new Hosting.PortalStartupException(
                        "The audit chain key in the database cannot be decrypted with the shared Data Protection key ring. " +
                        "Check that every instance uses the same DataProtection:CertificatePath certificate.", ex);
                }
            }

            RefuseNewKeyOverExistingEntries(db, "the AuditChainKeys row in the database",
                "Restore the AuditChainKeys table from the database backup taken with the audit entries");
            var key = RandomNumberGenerator.GetBytes(32);
            db.Add(new AuditChainKey { Id = AuditChainKey.SingletonId, ProtectedKey = protector.Protect(key), CreatedUtc = clock.GetUtcNow().UtcDateTime });
            try
            {
                db.SaveChanges();
                return key;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // another instance stored its key first: use that one
            }
        }
    }

    private static byte[] LoadOrCreateKey(string path, IDataProtector protector, IDbContextFactory<PortalDbContext> dbFactory)
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

        using (var db = dbFactory.CreateDbContext())
        {
            RefuseNewKeyOverExistingEntries(db, $"the key file '{path}'",
                "Restore that file from the backup of the key ring folder (DataProtection:KeysPath), or point Audit:KeyPath at it");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, fileOptions))
        {
            file.Write(protector.Protect(key));
        }

        return key;
    }

    /// <summary>
    /// A new key over existing entries would make every one of them fail verification and hide real tampering among
    /// the noise, so start-up stops instead and says what to restore.
    /// </summary>
    private static void RefuseNewKeyOverExistingEntries(PortalDbContext db, string missing, string restore)
    {
        var entries = db.Set<AuditEntry>().LongCount();
        if (entries > 0)
        {
            throw new Hosting.PortalStartupException(
                $"The audit chain key is missing ({missing}) but the audit trail already holds {entries.ToString("N0", CultureInfo.InvariantCulture)} entries " +
                $"signed with it. {restore}, then start the portal again. A new key is not created: it could not verify the existing entries.");
        }
    }
}
