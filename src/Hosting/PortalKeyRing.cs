using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Hosting;

/// <summary>
/// Where the Data Protection keys live and how they are protected at rest. PostgreSQL: in the shared database, each key
/// encrypted with the certificate. SQLite: files in a folder only the portal's user can open (0700, files 0600), and
/// encrypted with the certificate when one is configured. Rotated-out certificates still decrypt the keys they encrypted.
/// </summary>
public static class PortalKeyRing
{
    public static WebApplicationBuilder AddPortalKeyRing(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("ConnectorPortal");
        var storage = builder.Configuration.GetSection(DataProtectionStorageOptions.SectionName).Get<DataProtectionStorageOptions>() ?? new DataProtectionStorageOptions();
        var contentRoot = builder.Environment.ContentRootPath;
        if (DatabaseOptions.ProviderFrom(builder.Configuration) == DatabaseProvider.Postgres)
        {
            // Several instances: one key ring in the shared database, each key encrypted with a certificate kept outside it.
            dataProtection.PersistKeysToDbContext<PortalDbContext>();
        }
        else
        {
            builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<DataProtectionStorageOptions>, IHostEnvironment>((keys, options, env) =>
                keys.XmlRepository = new PrivateFolderXmlRepository(new DirectoryInfo(options.Value.ResolveKeysPath(env.ContentRootPath))));
            if (string.IsNullOrWhiteSpace(storage.CertificatePath))
            {
                return builder; // files protected by their permissions only; see the README's key ring section
            }
        }

        var current = storage.LoadCertificate(contentRoot);
        dataProtection.ProtectKeysWithCertificate(current)
            .UnprotectKeysWithAnyCertificate([current, .. storage.LoadPreviousCertificates(contentRoot)]);
        return builder;
    }
}

/// <summary>
/// The file-system key repository in a folder created 0700, its files tightened to 0600 as they are written (the folder
/// already keeps other users out while a file is being renamed into place). Windows: ACLs, left as they are.
/// </summary>
internal sealed class PrivateFolderXmlRepository : IXmlRepository
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly DirectoryInfo _folder;
    private readonly FileSystemXmlRepository _files;

    public PrivateFolderXmlRepository(DirectoryInfo folder)
    {
        _folder = folder;
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder.FullName, FolderMode);
            File.SetUnixFileMode(folder.FullName, FolderMode); // an existing folder from an older version is tightened too
            Tighten();
        }

        _files = new FileSystemXmlRepository(folder, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        _files.StoreElement(element, friendlyName);
        if (!OperatingSystem.IsWindows())
        {
            Tighten();
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void Tighten()
    {
        foreach (var file in _folder.EnumerateFiles())
        {
            if (file.UnixFileMode != FileMode)
            {
                file.UnixFileMode = FileMode;
            }
        }
    }
}
