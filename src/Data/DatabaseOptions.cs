using System.ComponentModel.DataAnnotations;

namespace Portal.Data;

/// <summary>Where the SQLite database lives and how it is brought up to date.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Database file; relative paths are resolved against the content root.</summary>
    [Required, MinLength(1)]
    public string Path { get; set; } = "data/portal.db";

    /// <summary>Apply committed migrations when the portal starts (on by default for the single-instance SQLite app).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>SQLite busy timeout in seconds: writers wait this long for the lock instead of failing.</summary>
    [Range(1, 300)]
    public int BusyTimeoutSeconds { get; set; } = 30;
}
