using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Hosting;

/// <summary>
/// Where the Data Protection key ring lives. On SQLite: a folder (back it up with the database: without it, stored
/// secrets cannot be decrypted). On PostgreSQL: a table in the shared database, so every instance uses the same keys;
/// each key is encrypted with the certificate below before it is stored, so the database alone cannot decrypt anything.
/// </summary>
public sealed class DataProtectionStorageOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>Key ring folder on SQLite; relative paths resolve against the content root (default next to the database).</summary>
    [Required, MinLength(1)]
    public string KeysPath { get; set; } = "data/keys";

    /// <summary>PFX file (with private key) that encrypts the keys stored in PostgreSQL. Required on PostgreSQL; every instance mounts the same file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/> (from a secret store or environment variable, never committed).</summary>
    public string? CertificatePassword { get; set; }

    public string ResolveKeysPath(string contentRoot) => Path.GetFullPath(Path.Combine(contentRoot, KeysPath));

    /// <summary>Loads the key-encryption certificate, failing with a sentence an operator can act on.</summary>
    public X509Certificate2 LoadCertificate(string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            throw new PortalStartupException(
                "DataProtection:CertificatePath is required when Database:Provider is Postgres: the shared key ring is stored in the " +
                "database encrypted with this certificate. Point it (environment variable DataProtection__CertificatePath) at a PFX file " +
                "with a private key, the same file on every instance, and set DataProtection__CertificatePassword.");
        }

        var path = Path.GetFullPath(Path.Combine(contentRoot, CertificatePath));
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                throw new PortalStartupException($"The Data Protection certificate '{path}' has no private key; export it as a PFX with its private key.");
            }

            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new PortalStartupException(
                $"The Data Protection certificate '{path}' cannot be loaded ({ex.Message}). Check DataProtection:CertificatePath and DataProtection:CertificatePassword.", ex);
        }
    }
}
