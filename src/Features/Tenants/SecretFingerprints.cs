using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Integrations;

namespace Portal.Features.Tenants;

/// <summary>
/// The fingerprints the portal shows, stores and exports for secrets (tenant secrets, SMTP passwords, webhook URLs):
/// an HMAC with a server key, so a fingerprint in an evidence pack or a database dump cannot confirm a guessed secret.
/// The key is random, stored once in the database encrypted with the Data Protection key ring, and shared by every
/// instance, so the same secret has the same fingerprint everywhere and after a restart.
/// </summary>
public sealed class SecretFingerprints
{
    public const string Prefix = "hmac:";

    private const string KeyPurpose = "Portal.SecretFingerprintKey.v1";

    private readonly Lazy<byte[]> _key;

    public SecretFingerprints(IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider dataProtection, TimeProvider clock) =>
        _key = new(() => LoadOrCreateKey(dbFactory, dataProtection.CreateProtector(KeyPurpose), clock));

    internal SecretFingerprints(byte[] key) => _key = new(key);

    /// <summary><c>hmac:</c> and the first 16 hex characters of HMAC-SHA256(server key, value): enough to compare, useless to test guesses.</summary>
    public string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(value)))[..16];
    }

    public string Of(SecretString secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Of(secret.Reveal());
    }

    /// <summary>The first instance to need it creates the key; one racing it loses on the primary key and reads the winner's.</summary>
    private static byte[] LoadOrCreateKey(IDbContextFactory<PortalDbContext> dbFactory, IDataProtector protector, TimeProvider clock)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var db = dbFactory.CreateDbContext();
            var stored = db.Set<SecretFingerprintKey>().AsNoTracking().FirstOrDefault(k => k.Id == SecretFingerprintKey.SingletonId);
            if (stored is not null)
            {
                // A lost key ring throws here: stored secrets are unreadable then too, and the message says so.
                return protector.Unprotect(stored.ProtectedKey);
            }

            var key = RandomNumberGenerator.GetBytes(32);
            db.Add(new SecretFingerprintKey { Id = SecretFingerprintKey.SingletonId, ProtectedKey = protector.Protect(key), CreatedUtc = clock.GetUtcNow().UtcDateTime });
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
}

/// <summary>The fingerprint HMAC key, encrypted with the Data Protection key ring (one row).</summary>
public sealed class SecretFingerprintKey
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public byte[] ProtectedKey { get; set; } = [];

    public DateTime CreatedUtc { get; set; }
}
