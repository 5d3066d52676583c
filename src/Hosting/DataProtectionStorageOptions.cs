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

    /// <summary>
    /// PFX file (with private key) that encrypts each key of the ring. Required on PostgreSQL (every instance mounts the
    /// same file); optional on SQLite, where it encrypts the key files in <see cref="KeysPath"/>.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/> (from a secret store or environment variable, never committed).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Certificates that encrypted keys earlier, kept only to decrypt them after <see cref="CertificatePath"/> was
    /// replaced (rotation). New keys are always encrypted with <see cref="CertificatePath"/>.
    /// </summary>
    public IList<PreviousCertificate> PreviousCertificates { get; } = [];

    public sealed class PreviousCertificate
    {
        /// <summary>Checked when loaded: an empty or unreadable entry stops start-up naming its index.</summary>
        public string Path { get; set; } = "";

        public string? Password { get; set; }
    }

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

        return LoadCertificate(contentRoot, CertificatePath, CertificatePassword, "DataProtection:CertificatePath and DataProtection:CertificatePassword");
    }

    /// <summary>The rotated-out certificates, loaded with the same checks.</summary>
    public IReadOnlyList<X509Certificate2> LoadPreviousCertificates(string contentRoot) =>
        [.. PreviousCertificates.Select((previous, i) => LoadCertificate(contentRoot, previous.Path, previous.Password,
            $"DataProtection:PreviousCertificates:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}:Path and :Password"))];

    private static X509Certificate2 LoadCertificate(string contentRoot, string configuredPath, string? password, string settings)
    {
        if (string.IsNullOrWhiteSpace(configuredPath))
        {
            throw new PortalStartupException($"A Data Protection certificate path is empty. Set {settings} to a PFX file with its private key.");
        }

        var path = Path.GetFullPath(Path.Combine(contentRoot, configuredPath));
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                throw new PortalStartupException($"The Data Protection certificate '{path}' has no private key; export it as a PFX with its private key.");
            }

            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new PortalStartupException(
                $"The Data Protection certificate '{path}' cannot be loaded ({ex.Message}). Check {settings}.", ex);
        }
    }
}
