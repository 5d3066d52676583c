namespace Portal.Features.Tenants.Import;

public static class TenantImportFeature
{
    public const string TemplatePath = "/tenants/import/template.csv";

    public static IServiceCollection AddTenantImportFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<TenantImportOptions>().BindConfiguration(TenantImportOptions.SectionName).ValidateDataAnnotations();
        services.AddScoped<TenantImportService>();
        return services;
    }

    /// <summary>The template download (no tenant data in it, but only importers need it).</summary>
    public static IEndpointRouteBuilder MapTenantImportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(TemplatePath, () => Results.File(TenantCsv.Template(), "text/csv; charset=utf-8", "tenant-import-template.csv"))
            .RequireAuthorization(policy => policy.RequireRole(TenantService.Editors));
        return endpoints;
    }
}
