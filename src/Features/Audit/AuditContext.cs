using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Portal.Features.Users;

namespace Portal.Features.Audit;

/// <summary>
/// Who is acting and from where, for the current scope. In static pages the HTTP request is at hand; in an
/// interactive circuit the source address is captured once when the circuit connects.
/// </summary>
public sealed class AuditContext(AuthenticationStateProvider authenticationState, IHttpContextAccessor httpContextAccessor)
{
    private string? _circuitSourceIp;
    private string _circuitCorrelation = Guid.NewGuid().ToString("N");

    internal void CaptureCircuitOrigin(string? sourceIp)
    {
        _circuitSourceIp = sourceIp;
        _circuitCorrelation = Guid.NewGuid().ToString("N");
    }

    public async Task<(string Actor, string Roles, string? SourceIp, string CorrelationId)> DescribeAsync(string? actorOverride)
    {
        var http = httpContextAccessor.HttpContext;
        ClaimsPrincipal principal;
        try
        {
            principal = (await authenticationState.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // Minimal API endpoints use the request's user; background work has none.
            principal = http?.User ?? new ClaimsPrincipal(new ClaimsIdentity());
        }

        var actor = actorOverride ?? principal.Identity?.Name ?? "anonymous";
        var roles = actorOverride is null ? string.Join(",", Roles.All.Where(principal.IsInRole)) : "";
        var sourceIp = _circuitSourceIp ?? http?.Connection.RemoteIpAddress?.ToString();
        var correlation = Activity.Current?.TraceId.ToHexString() ?? http?.TraceIdentifier ?? _circuitCorrelation;
        return (actor, roles, sourceIp, correlation);
    }
}

/// <summary>Captures the browser's address when a circuit opens, while the hub's HTTP context is still available.</summary>
public sealed class AuditCircuitHandler(AuditContext context, IHttpContextAccessor httpContextAccessor) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        context.CaptureCircuitOrigin(httpContextAccessor.HttpContext?.Connection.RemoteIpAddress?.ToString());
        return Task.CompletedTask;
    }
}
