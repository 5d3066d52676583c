using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

/// <summary>
/// The SQLite key ring as someone holding a copy of <c>data/</c> would find it: a folder only the portal's user can open,
/// and with a certificate configured, key files with no plaintext master key. A rotated-out certificate still decrypts
/// the keys it encrypted. (Always SQLite: on PostgreSQL the ring lives in the database.)
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: Linux containers; Windows keeps its ACLs
public sealed class KeyRingAtRestTests
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Startup_WithoutCertificate_CreatesTheKeyFolder0700AndItsFiles0600()
    {
        await using var portal = Sqlite(new PortalAppFactory());
        await portal.InitializeAsync();
        ProtectCanary(portal); // make sure the ring has a key
        await portal.Services.GetRequiredService<Portal.Features.Audit.AuditAppender>().AppendAsync(
            new Portal.Features.Audit.AuditEvent("test.key-ring", Portal.Features.Audit.AuditOutcome.Success), "key-ring-test", "", null, "c", Ct);
        (await portal.Services.GetRequiredService<Portal.Features.Audit.AuditCheckpointWriter>().CheckpointAsync("test", Ct)).ShouldNotBeNull();

        var keys = KeysFolder(portal);
        File.GetUnixFileMode(keys).ShouldBe(FolderMode);
        var files = Directory.GetFiles(keys);
        files.ShouldContain(f => Path.GetFileName(f).StartsWith("key-", StringComparison.Ordinal));
        files.ShouldContain(f => Path.GetFileName(f) == "audit-chain.key");
        files.ShouldAllBe(f => File.GetUnixFileMode(f) == FileMode);
        File.GetUnixFileMode(portal.AnchorFilePath).ShouldBe(FileMode);
    }

    [Fact]
    public async Task Startup_WithCertificate_StoresNoPlaintextMasterKey()
    {
        var (certificate, password) = CreateCertificate("A");
        await using var portal = Sqlite(new PortalAppFactory())
            .WithSetting("DataProtection:CertificatePath", certificate)
            .WithSetting("DataProtection:CertificatePassword", password);
        await portal.InitializeAsync();
        ProtectCanary(portal);

        var keyFiles = Directory.GetFiles(KeysFolder(portal), "key-*.xml");
        keyFiles.ShouldNotBeEmpty();
        foreach (var file in keyFiles)
        {
            var xml = await File.ReadAllTextAsync(file, Ct);
            xml.ShouldContain("EncryptedData");
            xml.ShouldNotContain("<value>"); // the unencrypted form keeps the master key in <masterKey><value>
            xml.ShouldNotContain("unencrypted form");
            File.GetUnixFileMode(file).ShouldBe(FileMode);
        }
    }

    [Fact]
    public async Task CertificateRotation_OldCertificateListedAsPrevious_StillDecryptsAndNewKeysUseTheNewOne()
    {
        var (oldCertificate, oldPassword) = CreateCertificate("old");
        var (newCertificate, newPassword) = CreateCertificate("new");
        await using var before = Sqlite(new PortalAppFactory())
            .WithSetting("DataProtection:CertificatePath", oldCertificate)
            .WithSetting("DataProtection:CertificatePassword", oldPassword);
        await before.InitializeAsync();
        var payload = ProtectCanary(before);

        // The operator's rotation: the new certificate becomes current, the old one is listed to decrypt older keys.
        await using var after = Sqlite(new PortalAppFactory(sharedPostgresDatabase: null, sharedDataFolder: before.DataFolder))
            .WithSetting("DataProtection:CertificatePath", newCertificate)
            .WithSetting("DataProtection:CertificatePassword", newPassword)
            .WithSetting("DataProtection:PreviousCertificates:0:Path", oldCertificate)
            .WithSetting("DataProtection:PreviousCertificates:0:Password", oldPassword);
        await after.InitializeAsync();

        Protector(after).Unprotect(payload).ShouldBe(Canary);
        var newKey = after.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var newKeyXml = await File.ReadAllTextAsync(Path.Combine(KeysFolder(after), $"key-{newKey.KeyId}.xml"), Ct);
        using (var current = X509CertificateLoader.LoadPkcs12FromFile(newCertificate, newPassword))
        {
            newKeyXml.ShouldContain(Convert.ToBase64String(current.RawData)); // encrypted to the new certificate
        }

        // Without the old certificate the same files cannot be read: the listing is what keeps old data readable.
        using var withoutOld = X509CertificateLoader.LoadPkcs12FromFile(newCertificate, newPassword, X509KeyStorageFlags.EphemeralKeySet);
        var newOnly = DataProtectionProvider.Create(new DirectoryInfo(KeysFolder(after)), b => b.SetApplicationName("ConnectorPortal").ProtectKeysWithCertificate(withoutOld));
        Should.Throw<CryptographicException>(() => newOnly.CreateProtector(Purpose).Unprotect(payload));
    }

    private const string Purpose = "Portal.Tests.KeyRingCanary";
    private const string Canary = "key-ring-canary";

    private static PortalAppFactory Sqlite(PortalAppFactory portal) => portal
        .WithSetting("Database:Provider", "Sqlite")
        .WithSetting("DataProtection:CertificatePath", "")
        .WithSetting("DataProtection:CertificatePassword", "");

    private static string KeysFolder(PortalAppFactory portal) => Path.Combine(portal.DataFolder, "keys");

    private static IDataProtector Protector(PortalAppFactory portal) => portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static string ProtectCanary(PortalAppFactory portal) => Protector(portal).Protect(Canary);

    private static (string Path, string Password) CreateCertificate(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Connector Portal key ring test {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var path = Path.Combine(Directory.CreateTempSubdirectory("portal-it-cert-").FullName, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, password);
    }
}
