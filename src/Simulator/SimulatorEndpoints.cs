using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Simulator.Apis;

namespace Portal.Simulator;

/// <summary>Registration and endpoint mapping for the Workspace ONE simulator; each API lives in <c>Apis/</c>.</summary>
public static class SimulatorEndpoints
{
    /// <summary>Adds the singleton <see cref="SimulatorState"/> (seeded with <see cref="SimulatorDemo"/>, bounded by <paramref name="limits"/>).</summary>
    public static IServiceCollection AddWorkspaceOneSimulator(this IServiceCollection services, TimeProvider? time = null, SimulatorLimits? limits = null)
    {
        services.TryAddSingleton(_ => new SimulatorState(time, limits));
        return services;
    }

    /// <summary>
    /// Maps the UEM token service, UEM REST, Intelligence and operator endpoints under <paramref name="prefix"/>.
    /// Anonymous and antiforgery-free: the simulated services authenticate with their own tokens.
    /// </summary>
    /// <param name="endpoints">The host's route builder.</param>
    /// <param name="prefix">Path prefix, e.g. "/simulator"; empty serves at the root.</param>
    /// <param name="operatorApiRoles">Null: <c>/_operator</c> is anonymous (the standalone simulator). Otherwise the
    /// comma-separated roles a signed-in host user needs for it (the portal: Admin).</param>
    public static IEndpointRouteBuilder MapWorkspaceOneSimulator(this IEndpointRouteBuilder endpoints, string prefix = "", string? operatorApiRoles = null)
    {
        var host = endpoints.MapGroup(string.IsNullOrEmpty(prefix) ? "/" : prefix);
        host.DisableAntiforgery();
        host.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // The host app's status-code pages must not replace simulated error bodies.
            if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            var path = http.Request.Path.Value ?? "/";
            if (!string.IsNullOrEmpty(prefix) && path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                path = path[prefix.Length..];
            }

            var state = http.RequestServices.GetRequiredService<SimulatorState>();
            state.RecordRequest(http.Request.Method, path);
            state.RecordRequestDetail(new SimRequestRecord(
                http.Request.Method,
                path,
                [.. http.Request.Query.Keys],
                http.Request.Headers.Accept.ToString(),
                http.Request.Headers.ContainsKey("aw-tenant-code"),
                http.Request.ContentType));
            return await next(context);
        });

        var root = host.MapGroup("/");
        root.AllowAnonymous();

        UemTokenService.Map(root);
        UemApi.Map(root.MapGroup("/API"), fixedTenant: true);
        UemApi.Map(root.MapGroup("/tenants/{hostKey}/API"), fixedTenant: false);
        IntelligenceTokenService.Map(root);
        IntelligenceApi.Map(root);

        var operatorApi = host.MapGroup("/_operator");
        if (operatorApiRoles is null)
        {
            operatorApi.AllowAnonymous();
        }
        else
        {
            // An API: 401/403 for callers without the role, not the host's sign-in or access-denied redirects.
            operatorApi.RequireAuthorization(new AuthorizeAttribute { Roles = operatorApiRoles }).DisableCookieRedirect();
        }

        OperatorApi.Map(operatorApi);
        return endpoints;
    }
}
