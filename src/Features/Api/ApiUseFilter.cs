using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;

namespace Portal.Features.Api;

/// <summary>
/// Runs around every /api/v1 handler: audits token use (every write; reads once per token per day, to keep the trail
/// readable) and turns a service's role refusal into 403 Problem Details.
/// </summary>
public sealed class ApiUseFilter(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        await RecordUseAsync(http);
        try
        {
            return await next(context);
        }
        catch (PortalAccessDeniedException ex)
        {
            return ApiProblems.Forbidden(ex.Message);
        }
    }

    private async Task RecordUseAsync(HttpContext http)
    {
        if (!int.TryParse(http.User.FindFirst(ApiTokenAuthenticationHandler.TokenIdClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var tokenId))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var today = now.Date;
        var isWrite = !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        // One conditional UPDATE: of two concurrent first reads of the day, only one audits.
        var firstReadToday = await db.Set<ApiToken>().Where(t => t.Id == tokenId && (t.LastUseAuditedUtc == null || t.LastUseAuditedUtc < today))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUseAuditedUtc, today).SetProperty(t => t.LastUsedUtc, now), http.RequestAborted) == 1;
        if (!firstReadToday)
        {
            // "Last used" to the minute is enough: a busy script does not write a row per request.
            var aMinuteAgo = now.AddMinutes(-1);
            await db.Set<ApiToken>().Where(t => t.Id == tokenId && (t.LastUsedUtc == null || t.LastUsedUtc < aMinuteAgo))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, now), http.RequestAborted);
        }

        if (isWrite || firstReadToday)
        {
            // The filter lives as long as the endpoint; the audit sink belongs to the request.
            var audit = http.RequestServices.GetRequiredService<IAuditSink>();
            await audit.WriteAsync(new AuditEvent(ApiTokenService.Used, AuditOutcome.Success, TenantId: null, new Dictionary<string, string?>
            {
                ["token"] = http.User.FindFirst(ApiTokenAuthenticationHandler.TokenPrefixClaim)?.Value,
                ["request"] = $"{http.Request.Method} {http.Request.Path}",
                ["scope"] = isWrite ? "write" : "first read today",
            }), http.RequestAborted);
        }
    }
}

/// <summary>RFC 9457 Problem Details for the API's refusals, each saying what to do about it.</summary>
public static class ApiProblems
{
    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    /// <summary>415 saying which Content-Type to send and what the request said (a header, never a body value).</summary>
    public static IResult WrongContentType(string send, string expected, string? sent, string title) =>
        TypedResults.Problem(
            $"Send {send} with the header Content-Type: {expected} (this request said {(string.IsNullOrEmpty(sent) ? "nothing" : sent)}). Nothing was saved.",
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: title);

    public static IResult NotFound(string what) =>
        TypedResults.Problem($"{what} does not exist or is outside your tenant scope.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>400 with the field errors keyed by the JSON property names of the request body.</summary>
    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => JsonName(e.Key), e => e.Value, StringComparer.Ordinal),
            detail: "Nothing was saved. Fix the fields listed in errors.", title: "Invalid request");

    public static string JsonName(string propertyName) =>
        string.IsNullOrEmpty(propertyName) ? propertyName : char.ToLowerInvariant(propertyName[0]) + propertyName[1..];
}
