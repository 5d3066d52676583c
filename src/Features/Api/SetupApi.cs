using Portal.Features.Setup;

namespace Portal.Features.Api;

/// <summary>/api/v1/setup: where a tenant's set-up run stands, through <see cref="SetupService"/>.</summary>
public static class SetupApi
{
    public static RouteGroupBuilder MapSetupApi(this RouteGroupBuilder api)
    {
        api.MapGet("/setup/{tenantId:int}", StateAsync).WithTags("Setup").WithSummary("The tenant's active set-up run (or its latest finished one) and its steps")
            .Produces<ApiSetupState>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> StateAsync(SetupService service, int tenantId, CancellationToken ct) =>
        await service.LoadAsync(tenantId, ct) is { } snapshot ? TypedResults.Ok(ApiSetupState.From(snapshot)) : ApiProblems.NotFound("That tenant");
}
