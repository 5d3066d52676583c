using System.Globalization;
using Portal.Features.Users;

namespace Portal.Features.Audit;

public static class AuditEndpoints
{
    /// <summary>CSV export of the current filter, streamed straight to the response.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/audit/export.csv", async (HttpContext http, AuditQueryService audit) =>
        {
            var filter = AuditQueryString.Parse(http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv\"";
            await audit.ExportCsvAsync(filter, http.Response.Body, http.RequestAborted);
        }).RequireAuthorization(policy => policy.RequireRole(Roles.Readers));
        return endpoints;
    }
}
