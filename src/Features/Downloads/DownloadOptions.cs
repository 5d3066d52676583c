using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Downloads;

/// <summary>Files prepared by long exports in the browser, held briefly until their one-time download.</summary>
public sealed class DownloadOptions
{
    public const string SectionName = "Downloads";

    /// <summary>Folder for prepared files (relative to the content root), next to the database by default.</summary>
    [Required(AllowEmptyStrings = false)]
    public string TempFolder { get; set; } = "data/temp";

    /// <summary>How long a prepared file waits for its one-time download before it is deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Downloads:Lifetime must be between 00:00:10 and 01:00:00 (hh:mm:ss).")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);
}
