using Microsoft.OpenApi;
using Portal.Features.Tenants.Import;

namespace Portal.Features.Api;

/// <summary>
/// POST /api/v1/tenants/import: the CSV bulk import of the Import page, through <see cref="TenantImportService"/>
/// (same template, rules, limits, role and scope checks, one transaction, audit).
/// </summary>
public static class TenantImportApi
{
    public const string CsvContentType = "text/csv";

    public static RouteGroupBuilder MapTenantImportApi(this RouteGroupBuilder api)
    {
        api.MapPost("/tenants/import", ImportAsync).WithTags("Tenants").WithName("ImportTenants")
            .WithSummary("Import tenants from the CSV template: mode=dry-run (default) judges every row and saves nothing; mode=valid imports the valid rows; mode=all imports every row or nothing")
            .WithMetadata(new CsvBodyMetadata())
            .Produces<ApiImportResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<IResult> ImportAsync(TenantImportService imports, HttpRequest request, string? mode, string? fileName, CancellationToken ct)
    {
        var modeName = (mode ?? "dry-run").Trim().ToLowerInvariant();
        if (modeName is not ("dry-run" or "valid" or "all"))
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["mode"] = ["mode: use dry-run (saves nothing), valid (import the valid rows) or all (every row or nothing)."] });
        }

        if (!IsCsv(request.ContentType))
        {
            return ApiProblems.WrongContentType("the file as the body", CsvContentType, request.ContentType, "The body must be CSV");
        }

        var name = string.IsNullOrWhiteSpace(fileName) ? "api upload.csv" : fileName.Trim()[..Math.Min(fileName.Trim().Length, 120)];
        var preview = await imports.DryRunAsync(name, request.Body, null, ct);
        if (preview.FileError is not null)
        {
            return TypedResults.Problem(preview.FileError + " Nothing was saved.", statusCode: StatusCodes.Status400BadRequest, title: "The file was refused");
        }

        if (modeName == "dry-run")
        {
            return TypedResults.Ok(ApiImportResult.FromDryRun(preview));
        }

        var report = await imports.ImportAsync(preview, modeName == "all" ? ImportMode.AllRows : ImportMode.ValidRowsOnly, null, ct);
        if (!report.Succeeded)
        {
            return TypedResults.Problem(report.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Nothing was imported",
                extensions: new Dictionary<string, object?> { ["rows"] = report.Skipped.Select(ApiImportRow.From).ToList() });
        }

        return TypedResults.Ok(ApiImportResult.FromReport(modeName, preview, report));
    }

    private static bool IsCsv(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (parsed.MediaType.Equals(CsvContentType, StringComparison.OrdinalIgnoreCase) || parsed.MediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase));

    /// <summary>Documents the CSV request body (not <c>Accepts</c>, which would make routing refuse other types with no Problem Details).</summary>
    internal static Task DescribeAsync(OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<CsvBodyMetadata>().Any())
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The filled-in template (" + TenantImportFeature.TemplatePath + "); no secret columns.",
                Content = new Dictionary<string, OpenApiMediaType> { [CsvContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
        }

        return Task.CompletedTask;
    }

    private sealed record CsvBodyMetadata;
}

/// <summary>One row of the file as judged: its line in the file, the name, and each error naming the column and the fix.</summary>
public sealed record ApiImportRow(long Line, string DisplayName, bool Valid, IReadOnlyList<ApiImportRowError> Errors)
{
    public static ApiImportRow From(ImportRow row) =>
        new(row.Line, row.DisplayName, row.IsValid, row.Errors.Select(e => new ApiImportRowError(e.Column, e.Message)).ToList());
}

public sealed record ApiImportRowError(string Column, string Message);

public sealed record ApiImportedTenant(long Line, int Id, string DisplayName);

/// <summary>A dry run (<see cref="Imported"/> empty) or an import's report.</summary>
public sealed record ApiImportResult(string Mode, string Message, int RowCount, int ValidCount, int InvalidCount,
    IReadOnlyList<ApiImportedTenant> Imported, IReadOnlyList<ApiImportRow> Rows)
{
    public static ApiImportResult FromDryRun(ImportPreview preview) =>
        new("dry-run", $"Dry run: {preview.ValidCount} of {preview.Rows.Count} rows are valid; nothing was saved.",
            preview.Rows.Count, preview.ValidCount, preview.InvalidCount, [], preview.Rows.Select(ApiImportRow.From).ToList());

    public static ApiImportResult FromReport(string mode, ImportPreview preview, ImportReport report) =>
        new(mode, report.Message, preview.Rows.Count, report.Imported.Count, report.Skipped.Count,
            report.Imported.Select(t => new ApiImportedTenant(t.Line, t.Id, t.DisplayName)).ToList(), report.Skipped.Select(ApiImportRow.From).ToList());
}
