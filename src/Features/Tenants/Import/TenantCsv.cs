using System.Globalization;
using System.Text;
using CsvHelper;
using Portal.Features.Regions;

namespace Portal.Features.Tenants.Import;

/// <summary>One column of the import file: its header, the <see cref="TenantEditModel"/> property it fills, and the form's label.</summary>
public sealed record TenantCsvColumn(string Header, string Property, string Label, bool Required, string Example);

/// <summary>
/// The import file's format: the columns mirror the tenant form (regions by code), there are no secret columns, lines
/// starting with <c>#</c> are comments. Parsing only reads cells; <see cref="TenantImportService"/> judges them.
/// </summary>
public static class TenantCsv
{
    public static IReadOnlyList<TenantCsvColumn> Columns { get; } =
    [
        new("DisplayName", nameof(TenantEditModel.DisplayName), "Display name", true, "Contoso Ltd"),
        new("CustomerReference", nameof(TenantEditModel.CustomerReference), "Customer / ticket reference", false, "CASE-1042"),
        new("UemConsoleUrl", nameof(TenantEditModel.UemConsoleUrl), "UEM console URL", true, "https://cn1234.awmdm.com"),
        new("UemApiUrl", nameof(TenantEditModel.UemApiUrl), "UEM REST API URL", true, "https://as1234.awmdm.com"),
        new("UemRegion", nameof(TenantEditModel.UemRegionId), "UEM region", true, "na"),
        new("UemTokenUrl", nameof(TenantEditModel.UemTokenUrl), "UEM token URL", false, ""),
        new("OrganizationGroupId", nameof(TenantEditModel.OrganizationGroupId), "Organisation group ID", false, "contoso"),
        new("OrganizationGroupName", nameof(TenantEditModel.OrganizationGroupName), "Organisation group name", false, "Contoso"),
        new("IntelligenceRegion", nameof(TenantEditModel.IntelligenceRegionId), "Intelligence region", false, "na1"),
        new("OAuthClientId", nameof(TenantEditModel.OAuthClientId), "OAuth client ID", false, ""),
        new("IntelligenceClientId", nameof(TenantEditModel.IntelligenceClientId), "Intelligence client ID", false, ""),
        new("Contacts", nameof(TenantEditModel.Contacts), "Contacts", false, "it@contoso.example"),
        new("Notes", nameof(TenantEditModel.Notes), "Notes", false, "Imported from the onboarding sheet"),
        new("Tags", nameof(TenantEditModel.TagsText), "Tags", false, "contoso, pilot"),
    ];

    /// <summary>Characters a spreadsheet treats as the start of a formula (CSV injection); a cell starting with one is refused.</summary>
    public static IReadOnlyList<char> FormulaStarts { get; } = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>Header words that mean "this column holds a secret" (compared without case, spaces, '_' or '-').</summary>
    private static readonly string[] SecretWords = ["secret", "password", "passwd", "apikey", "credential", "privatekey", "bearer", "accesstoken", "refreshtoken"];

    public static TenantCsvColumn? ColumnFor(string property) => Columns.FirstOrDefault(c => c.Property == property);

    /// <summary>The template: the header row and a commented example row (lines starting with '#' are skipped on import).</summary>
    public static byte[] Template()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine("# Connector Portal tenant import. One tenant per row; lines starting with # are ignored. No secrets: set them on each tenant after the import.");
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            foreach (var column in Columns)
            {
                csv.WriteField(column.Header);
            }

            csv.EndRecord();
        }

        text.Write("# Example: ");
        text.WriteLine(string.Join(",", Columns.Select(c => c.Example.Contains(',', StringComparison.Ordinal) ? $"\"{c.Example}\"" : c.Example)));
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>
    /// Reads the header and the data rows. Returns a file-level error (unknown, missing, duplicated or secret columns,
    /// too many rows, malformed CSV) or the rows with their line numbers as a spreadsheet shows them.
    /// </summary>
    public static (string? Error, IReadOnlyList<TenantCsvRow> Rows) Parse(string text, int maxRows)
    {
        var options = new CsvReaderOptions { CommentPrefix = '#', TrackLineNumbers = true, FormatProvider = CultureInfo.InvariantCulture };
        try
        {
            using var reader = CsvReader.FromText(text, options);
            var headers = reader.Headers.ToList();
            if (CheckHeaders(headers) is { } headerError)
            {
                return (headerError, []);
            }

            var index = Columns.ToDictionary(c => c.Property, c => headers.FindIndex(h => Normalize(h) == Normalize(c.Header)));
            var rows = new List<TenantCsvRow>();
            while (reader.Read())
            {
                if (rows.Count == maxRows)
                {
                    return ($"The file has more than {maxRows} tenant rows. Split it into files of at most {maxRows} rows.", []);
                }

                var cells = index.ToDictionary(p => p.Key, p => p.Value >= 0 && p.Value < reader.FieldCount ? reader.GetString(p.Value) : "");
                if (cells.Values.All(string.IsNullOrWhiteSpace))
                {
                    continue; // a row of empty cells, as spreadsheets leave at the end
                }

                rows.Add(new TenantCsvRow(reader.LineNumber, cells));
            }

            return rows.Count == 0 ? ("The file has a header but no tenant rows. Add one row per tenant under the header.", []) : (null, rows);
        }
        catch (CsvFormatException ex)
        {
            return ($"The file is not valid CSV near line {ex.LineNumber.ToString(CultureInfo.InvariantCulture)} (for example an unclosed quote). Save it again as CSV (UTF-8) and retry.", []);
        }
    }

    private static string? CheckHeaders(List<string> headers)
    {
        if (headers.Count == 0)
        {
            return "The file is empty. Download the template and fill in one row per tenant.";
        }

        var secrets = headers.Where(LooksLikeSecret).ToList();
        if (secrets.Count > 0)
        {
            return $"The file has a column that looks like a secret ({string.Join(", ", secrets.Select(h => $"'{Clip(h)}'"))}), so it was refused and nothing was read. " +
                   "Secrets are never imported from a file: delete that column (and the file's copies of the secrets), import again, then enter each tenant's secrets " +
                   "on its page (Edit) or in its set-up run.";
        }

        var unknown = headers.Where(h => Columns.All(c => Normalize(c.Header) != Normalize(h))).ToList();
        if (unknown.Count > 0)
        {
            return $"Unknown column {string.Join(", ", unknown.Select(h => $"'{Clip(h)}'"))}. Use the template's columns: {string.Join(", ", Columns.Select(c => c.Header))}.";
        }

        var repeated = headers.GroupBy(Normalize).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            return $"Column '{Clip(repeated.First())}' appears more than once. Keep one.";
        }

        var missing = Columns.Where(c => c.Required && headers.All(h => Normalize(h) != Normalize(c.Header))).ToList();
        return missing.Count > 0
            ? $"Required column {string.Join(", ", missing.Select(c => c.Header))} is missing. Use the template's header row."
            : null;
    }

    /// <summary>True for header names such as "Client secret", "API_KEY" or "Password".</summary>
    public static bool LooksLikeSecret(string header)
    {
        var name = Normalize(header);
        return SecretWords.Any(w => name.Contains(w, StringComparison.Ordinal)) || name is "key" or "token" or "pwd" or "pin";
    }

    /// <summary>Region id for a code in the file (case ignored), or null.</summary>
    public static RegionSummary? Region(IReadOnlyList<RegionSummary> regions, RegionProduct product, string code) =>
        regions.FirstOrDefault(r => r.Product == product && string.Equals(r.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string Normalize(string header) =>
        new([.. header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>The cells of one data row by <see cref="TenantEditModel"/> property, and the line it starts on in the file.</summary>
public sealed record TenantCsvRow(long Line, IReadOnlyDictionary<string, string> Cells);
