using System.Globalization;
using Portal.Features.Audit;

namespace Portal.Features.Api;

/// <summary>/api/v1/audit: query, CSV export and chain verification, through <see cref="AuditQueryService"/> (same visibility rules as the page).</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/", QueryAsync).WithSummary("Audit entries you may see, newest first (from, to, actor, tenant, action, outcome; before = cursor)")
            .Produces<ApiAuditPage>();
        audit.MapGet("/export.csv", ExportAsync).WithSummary("The same filter as CSV (formula-looking values escaped); the export is itself audited")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        audit.MapPost("/verify", VerifyAsync).WithSummary("Verify the hash chain (Auditor, Admin); stops when the request is aborted")
            .Produces<ApiAuditVerification>();
        return api;
    }

    private static async Task<IResult> QueryAsync(HttpContext http, AuditQueryService service, long? before, CancellationToken ct)
    {
        var page = await service.QueryAsync(Filter(http), olderThanId: before, cancellationToken: ct);
        return TypedResults.Ok(new ApiAuditPage(page.Entries.Select(ApiAuditEntry.From).ToList(), page.OlderThanId));
    }

    private static async Task ExportAsync(HttpContext http, AuditQueryService service, CancellationToken ct)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv\"";
        await service.ExportCsvAsync(Filter(http), http.Response.Body, ct);
    }

    private static async Task<IResult> VerifyAsync(AuditQueryService service, CancellationToken ct)
    {
        var result = await service.VerifyAsync(ct);
        return TypedResults.Ok(new ApiAuditVerification(result.IsIntact, result.EntriesChecked, result.HeadId, result.FirstBrokenId, result.Problem, result.Duration.TotalMilliseconds));
    }

    private static AuditFilter Filter(HttpContext http) =>
        AuditQueryString.Parse(http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));
}
