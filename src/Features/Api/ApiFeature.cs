using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Portal.Features.Api;

/// <summary>The REST API under /api/v1: token authentication, endpoints per resource, OpenAPI document, Scalar reference and rate limit.</summary>
public static class ApiFeature
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations();
        services.AddScoped<ApiTokenService>();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        // Composes with other features' rate limits: each adds its own policy; the limiter itself is registered once.
        services.AddRateLimiter(_ => { });
        services.Configure<RateLimiterOptions>(o => o.AddPolicy<string, ApiRateLimitPolicy>(ApiRateLimitPolicy.Name));
        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Connector Portal API",
                    Version = DocumentName,
                    Description = "Tenants, connection status, audit trail and set-up state. Authenticate with a personal API token: Authorization: Bearer cpt_…",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["ApiToken"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "cpt_ token",
                    Description = "A personal API token created under API tokens in the portal. It acts with your current roles and tenant scope.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiToken", document)] = [] }];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(ApiJsonBody.DescribeAsync);
            options.AddOperationTransformer(TenantImportApi.DescribeAsync);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1")
            // Only the token scheme: a signed-in browser's cookie does not authenticate the API (no CSRF surface).
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .WithMetadata(new ApiEndpointMetadata())
            .AddEndpointFilter<ApiUseFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapTenantsApi();
        api.MapTenantImportApi();
        api.MapStatusApi();
        api.MapAuditApi();
        api.MapSetupApi();

        endpoints.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        endpoints.MapScalarApiReference("/scalar", options =>
        {
            options.WithTitle("Connector Portal API");
            options.WithNonce(); // a fresh nonce per request; SecurityHeaders adds it to script-src
            options.DefaultFonts = false; // no font CDN: the CSP allows only this origin
            options.Telemetry = false;
            options.DisableAgent(); // no AI chat calling out of the portal
            options.HideDeveloperTools();
            options.AddPreferredSecuritySchemes("ApiToken");
        }).AllowAnonymous();
        return endpoints;
    }

    /// <summary>API answers keep their status codes: no sign-in redirect, no "page not found" page.</summary>
    private sealed class ApiEndpointMetadata : IDisableCookieRedirectMetadata;
}
