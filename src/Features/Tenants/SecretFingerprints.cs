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

    /// <summary>Loads (or creates) the key now: a first write must not happen inside another save's transaction (SQLite has one writer).</summary>
    public void EnsureKey() => _ = _key.Value;

    public string Of(SecretString secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Of(secret.Reveal());
    }

    /// <summary>
    /// The first instance to need it creates the key; one racing it loses on the primary key and reads the winner's.
    /// A key the key ring cannot decrypt (the ring was lost, so the stored secrets must be entered again anyway) is replaced.
    /// </summary>
    private static byte[] LoadOrCreateKey(IDbContextFactory<PortalDbContext> dbFactory, IDataProtector protector, TimeProvider clock)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var db = dbFactory.CreateDbContext();
            var stored = db.Set<SecretFingerprintKey>().FirstOrDefault(k => k.Id == SecretFingerprintKey.SingletonId);
            if (stored is not null && TryUnprotect(protector, stored.ProtectedKey) is { } existing)
            {
                return existing;
            }

            var key = RandomNumberGenerator.GetBytes(32);
            stored ??= db.Add(new SecretFingerprintKey { Id = SecretFingerprintKey.SingletonId }).Entity;
            stored.ProtectedKey = protector.Protect(key);
            stored.CreatedUtc = clock.GetUtcNow().UtcDateTime;
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

    private static byte[]? TryUnprotect(IDataProtector protector, byte[] protectedKey)
    {
        try
        {
            return protector.Unprotect(protectedKey);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>Creates the fingerprint key at start-up, right after the migrations.</summary>
internal sealed class SecretFingerprintKeySeeder(SecretFingerprints fingerprints) : Hosting.IDataSeeder
{
    public Task SeedAsync(CancellationToken cancellationToken)
    {
        fingerprints.EnsureKey();
        return Task.CompletedTask;
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
