using System.Globalization;

namespace Portal.Features.Tenants.Import;

/// <summary>How far a dry run or an import has come: <paramref name="Done"/> rows of <paramref name="Total"/>.</summary>
public readonly record struct ImportProgress(int Done, int Total);

/// <summary>One message about a row: the column (as in the file's header) and what to fix.</summary>
public sealed record ImportRowError(string Column, string Message);

/// <summary>A row of the file as the dry run judged it. <see cref="Line"/> is the line in the file (the header is line 1).</summary>
public sealed record ImportRow(long Line, string DisplayName, TenantEditModel Model, IReadOnlyList<ImportRowError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>The dry run's result: a file-level refusal, or every row with its errors. Nothing is written by a dry run.</summary>
public sealed record ImportPreview(string FileName, string? FileError, IReadOnlyList<ImportRow> Rows)
{
    public int ValidCount => Rows.Count(r => r.IsValid);

    public int InvalidCount => Rows.Count - ValidCount;

    public static ImportPreview Refused(string fileName, string error) => new(fileName, error, []);
}

public enum ImportMode
{
    /// <summary>Every row, or nothing when any row has an error.</summary>
    AllRows = 0,

    /// <summary>The rows without errors; the others are skipped and listed with their reasons.</summary>
    ValidRowsOnly = 1,
}

/// <summary>A tenant the import created.</summary>
public sealed record ImportedTenant(long Line, int Id, string DisplayName);

/// <summary>What an import did: the tenants created (all in one transaction) and the rows skipped, with reasons.</summary>
public sealed record ImportReport(bool Succeeded, string Message, IReadOnlyList<ImportedTenant> Imported, IReadOnlyList<ImportRow> Skipped)
{
    public static ImportReport Refused(string message, IReadOnlyList<ImportRow> rows) => new(false, message, [], rows);

    public static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
