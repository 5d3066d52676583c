using Portal.Features.Tenants;

namespace Portal.Features.Api;

/// <summary>/api/v1/tenants: the tenants list and form, through <see cref="TenantService"/> (same validation, scope and audit).</summary>
public static class TenantsApi
{
    public static RouteGroupBuilder MapTenantsApi(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapGet("/", ListAsync).WithSummary("Tenants in your scope, with search and paging")
            .Produces<ApiPage<ApiTenantListItem>>().ProducesValidationProblem();
        tenants.MapGet("/{id:int}", GetAsync).WithName("GetTenant").WithSummary("One tenant; secrets appear only as their state")
            .Produces<ApiTenant>().ProducesProblem(StatusCodes.Status404NotFound);
        tenants.MapPost("/", CreateAsync).WithSummary("Create a tenant (validated as the form is; secrets accepted, never returned)")
            .AcceptsJsonBody<TenantEditModel>().Produces<ApiTenantSaved>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tenants.MapPut("/{id:int}", UpdateAsync).WithSummary("Update a tenant from its version (409 if someone saved in between); blank secrets keep the stored ones")
            .AcceptsJsonBody<TenantEditModel>().Produces<ApiTenantSaved>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        tenants.MapPost("/{id:int}/archive", ArchiveAsync).WithSummary("Archive a tenant")
            .Produces<ApiTenantSaved>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> ListAsync(TenantService service, string? search, string? tag, int? region, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        var filter = TenantStatusFilter.Active;
        if (status is not null && (!Enum.TryParse(status, ignoreCase: true, out filter) || !Enum.IsDefined(filter)))
        {
            return ApiProblems.Invalid(new Dictionary<string, string[]> { ["status"] = ["status: use active, archived or all."] });
        }

        var query = new TenantQuery { Search = search, Tag = tag, RegionId = region, Status = filter, Page = Math.Max(0, page ?? 0), PageSize = Math.Clamp(pageSize ?? 25, 1, 200) };
        var result = await service.QueryAsync(query, ct);
        return TypedResults.Ok(new ApiPage<ApiTenantListItem>(
            result.Items.Select(i => new ApiTenantListItem(i.Id, i.DisplayName, i.CustomerReference, i.UemRegion, i.IntelligenceRegion, i.Tags, i.IsArchived, i.UpdatedUtc, i.UpdatedBy)).ToList(),
            result.TotalCount, query.Page, query.PageSize));
    }

    private static async Task<IResult> GetAsync(TenantService service, int id, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } details ? TypedResults.Ok(ApiTenant.From(details)) : ApiProblems.NotFound("That tenant");

    // The body is read here rather than bound, so a malformed body or another content type gets Problem Details.
    private static async Task<IResult> CreateAsync(TenantService service, HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await ApiJsonBody.ReadAsync<TenantEditModel>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.CreateAsync(body!, ct);
        if (result.Status != TenantSaveStatus.Saved)
        {
            return ApiProblems.Invalid(result.Errors);
        }

        var created = await service.GetAsync(result.Id!.Value, ct);
        return TypedResults.Created($"/api/v1/tenants/{result.Id}", new ApiTenantSaved(result.Message, result.Warnings, ApiTenant.From(created!)));
    }

    private static async Task<IResult> UpdateAsync(TenantService service, int id, HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await ApiJsonBody.ReadAsync<TenantEditModel>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.UpdateAsync(id, body!, ct);
        return await SavedAsync(service, id, result, ct);
    }

    private static async Task<IResult> ArchiveAsync(TenantService service, int id, CancellationToken ct) =>
        await SavedAsync(service, id, await service.ArchiveAsync(id, ct), ct);

    private static async Task<IResult> SavedAsync(TenantService service, int id, TenantSaveResult result, CancellationToken ct) => result.Status switch
    {
        TenantSaveStatus.Saved => TypedResults.Ok(new ApiTenantSaved(result.Message, result.Warnings, ApiTenant.From((await service.GetAsync(id, ct))!))),
        TenantSaveStatus.NotFound => ApiProblems.NotFound("That tenant"),
        TenantSaveStatus.Conflict => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else",
            extensions: new Dictionary<string, object?>
            {
                ["currentVersion"] = result.CurrentVersion,
                ["changes"] = result.Changes?.Select(c => new { field = c.Field, theirs = c.Theirs, yours = c.Yours }).ToList(),
            }),
        _ => ApiProblems.Invalid(result.Errors),
    };
}
