using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MudBlazor.Services;
using Portal.Components;
using Portal.Components.Layout;
using Portal.Features.Api;
using Portal.Features.Audit;
using Portal.Features.Downloads;
using Portal.Features.Evidence;
using Portal.Features.Setup;
using Portal.Features.SingleSignOn;
using Portal.Features.Status;
using Portal.Features.Tenants.Import;
using Portal.Features.Telemetry;
using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>Blazor Server with MudBlazor, and the HTTP pipeline in the order the framework expects.</summary>
public static class PortalUi
{
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        return builder;
    }

    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        // First: from a trusted proxy, the client's address and the original https scheme (Secure cookies, HSTS, audit IP).
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UsePortalRequestLogging();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            // The not-found page is for browsers navigating. Re-executing a POST or DELETE into it fails (400, 405),
            // and API endpoints answer with their own status codes (401, 403, 404) for their clients.
            var isApi = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IDisableCookieRedirectMetadata>() is not null;
            if ((isApi || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
                && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSignInRateLimitKeys();
        // One limiter for everything, after authorization (the API's partition is the token): sign-in attempts
        // (the global limiter) and the API's per-token policy.
        app.UseRateLimiter();
        app.UseMiddleware<PasswordChangeGate>();
        app.UseMiddleware<MfaEnrolmentGate>();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapThemeStylesheet();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapTelemetryEndpoints();
        app.MapAccountEndpoints();
        app.MapSingleSignOnEndpoints();
        app.MapAuditEndpoints();
        app.MapRunbookEndpoints();
        app.MapEvidenceEndpoints();
        app.MapDownloadEndpoints();
        app.MapPortalSimulator();
        app.MapStatusEndpoints();
        app.MapTenantImportEndpoints();
        app.MapPortalApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // An address that matches nothing is a 404 for everyone (the "Page not found" page), not a sign-in redirect:
        // without an endpoint the fallback authorization policy would challenge it.
        app.MapFallback("{**path}", () => Results.NotFound()).AllowAnonymous();
        return app;
    }

    /// <summary>HSTS for one year when served over HTTPS (ASP.NET Core's default is 30 days).</summary>
    public static WebApplicationBuilder AddPortalHsts(this WebApplicationBuilder builder)
    {
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        return builder;
    }

    /// <summary>Listens on the fixed README port unless ASPNETCORE_URLS, --urls or "urls" says otherwise.</summary>
    public static WebApplicationBuilder UseDefaultPortalUrl(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls("http://localhost:5080");
        }

        return builder;
    }
}
