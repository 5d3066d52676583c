using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Tenants.Import;

/// <summary>Limits of a tenant CSV import (section <c>TenantImport</c>).</summary>
public sealed class TenantImportOptions
{
    public const string SectionName = "TenantImport";

    /// <summary>Largest upload accepted, in bytes.</summary>
    [Range(1_024, 20 * 1_024 * 1_024)]
    public int MaxFileBytes { get; set; } = 1_024 * 1_024;

    /// <summary>Most tenant rows in one file (one transaction imports them all).</summary>
    [Range(1, 10_000)]
    public int MaxRows { get; set; } = 1_000;
}
