using System.ComponentModel.DataAnnotations;

namespace Portal.Hosting;

/// <summary>Where the Data Protection key ring lives. Back it up with the database: without it, stored secrets cannot be decrypted.</summary>
public sealed class DataProtectionStorageOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>Key ring folder; relative paths resolve against the content root (default next to the database).</summary>
    [Required, MinLength(1)]
    public string KeysPath { get; set; } = "data/keys";

    public string ResolveKeysPath(string contentRoot) => Path.GetFullPath(Path.Combine(contentRoot, KeysPath));
}
