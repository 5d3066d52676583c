using Portal.Features.Status;
using Portal.Features.Tenants;

namespace Portal.Features.Api;

/// <summary>/api/v1/status: the board, one tenant, its check history, and "check now", through <see cref="StatusService"/>.</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this RouteGroupBuilder api)
    {
        var status = api.MapGroup("/status").WithTags("Status");
        status.MapGet("/", BoardAsync).WithSummary("The status board: stored results, newest problems first")
            .Produces<ApiStatusBoard>().ProducesValidationProblem();
        status.MapGet("/{tenantId:int}", DetailAsync).WithSummary("One tenant's status, credential ages and reviews")
            .Produces<ApiStatusDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        status.MapGet("/{tenantId:int}/history", HistoryAsync).WithSummary("One tenant's checks, newest first")
            .Produces<ApiPage<ApiCheck>>().ProducesProblem(StatusCodes.Status404NotFound);
        status.MapPost("/{tenantId:int}/check", CheckNowAsync).WithSummary("Check the tenant's connection now (Helpdesk, TeamLead, Admin)")
            .Produces<ApiCheckNowResult>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> BoardAsync(StatusService service, string? search, string? tag, int? region, string? status, string? rotation, string? review,
        int? page, int? pageSize, CancellationToken ct)
    {
        // The board page's filters with the same names and values (?rotation=due|overdue, ?review=overdue).
        var rotationFilter = rotation is null ? RotationFilter.Any : StatusQueryString.ParseRotation(rotation);
        var reviewOverdue = review is null ? false : StatusQueryString.ParseReview(review);
        if (rotationFilter is null || reviewOverdue is null)
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]>
            {
                [rotationFilter is null ? "rotation" : "review"] = [rotationFilter is null ? "rotation: use due or overdue." : "review: use overdue."],
            });
        }

        ConnectionStatus? only = null;
        if (status is not null)
        {
            if (!Enum.TryParse<ConnectionStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return ApiProblems.Invalid(new Dictionary<string, string[]> { ["status"] = [$"status: use one of {string.Join(", ", Enum.GetNames<ConnectionStatus>())}."] });
            }

            only = parsed;
        }

        var query = new StatusBoardQuery
        {
            Search = search, Tag = tag, RegionId = region, Status = only, Rotation = rotationFilter.Value, ReviewOverdue = reviewOverdue.Value,
            Page = Math.Max(0, page ?? 0), PageSize = Math.Clamp(pageSize ?? 50, 1, 200),
        };
        var board = await service.QueryBoardAsync(query, ct);
        return TypedResults.Ok(new ApiStatusBoard(board.Rows.Select(ApiStatusRow.From).ToList(), board.TotalCount, query.Page, query.PageSize,
            board.Summary.Select(s => new ApiStatusCount(s.Status.ToString(), s.Count)).ToList()));
    }

    private static async Task<IResult> DetailAsync(StatusService service, int tenantId, CancellationToken ct) =>
        await service.GetDetailAsync(tenantId, ct) is { } detail ? TypedResults.Ok(ApiStatusDetail.From(detail)) : ApiProblems.NotFound("That tenant");

    private static async Task<IResult> HistoryAsync(StatusService service, TenantService tenants, int tenantId, int? page, int? pageSize, CancellationToken ct)
    {
        // The history query answers "no checks" outside the scope; the API says 404 (and the refusal is audited by the lookup).
        if (await tenants.GetAsync(tenantId, ct) is null)
        {
            return ApiProblems.NotFound("That tenant");
        }

        var size = Math.Clamp(pageSize ?? 50, 1, 200);
        var history = await service.QueryHistoryAsync(tenantId, Math.Max(0, page ?? 0), size, ct);
        return TypedResults.Ok(new ApiPage<ApiCheck>(history.Items.Select(ApiCheck.From).ToList(), history.TotalCount, Math.Max(0, page ?? 0), size));
    }

    private static async Task<IResult> CheckNowAsync(StatusService service, int tenantId, CancellationToken ct)
    {
        var result = await service.CheckNowAsync([tenantId], ct);
        if (!result.Succeeded)
        {
            return ApiProblems.NotFound("That tenant (active, in your scope)");
        }

        var detail = await service.GetDetailAsync(tenantId, ct);
        return TypedResults.Ok(new ApiCheckNowResult(result.Message, detail is null ? null : ApiStatusDetail.From(detail)));
    }
}
