using static Portal.Simulator.Apis.SimulatorHttp;

namespace Portal.Simulator.Apis;

/// <summary>Request body of <c>POST /_operator/settings</c>: token lifetimes in seconds.</summary>
public sealed record SimulatorSettings(int? UemTokenLifetimeSeconds, int? IntelligenceTokenLifetimeSeconds);

/// <summary>Request body of <c>POST /_operator/tenants/{hostKey}/clients</c>.</summary>
public sealed record CreateClientRequest(string Name, string? Description, Guid? OrganizationGroupUuid, string? Role);

/// <summary>The operator API (<c>/_operator</c>): inspect and steer the simulator (clients, faults, tokens, settings, request log).</summary>
internal static class OperatorApi
{
    internal static void Map(RouteGroupBuilder op)
    {
        op.MapGet("/tenants", (SimulatorState s) => Results.Json(s.Tenants.Select(t => new
        {
            t.HostKey,
            t.RegionCode,
            t.Name,
            OrganizationGroups = t.OrganizationGroups.Select(o => new { o.Id, o.Uuid, o.Name, o.GroupId, Type = o.Type.ToString() }),
            Clients = t.Clients.Select(c => new { c.ClientId, c.Name, c.Description, c.OrganizationGroupUuid, Role = c.RoleName, c.Enabled, c.DailyUsage }),
            Devices = t.Devices.Select(d => new { d.Id, d.SerialNumber, d.FriendlyName, d.Platform, d.AntivirusStatus }),
        }), Json));

        op.MapPost("/tenants/{hostKey}/clients", async (HttpContext http, SimulatorState s, string hostKey) =>
        {
            var request = await http.Request.ReadFromJsonAsync<CreateClientRequest>(http.RequestAborted);
            if (request is null || string.IsNullOrWhiteSpace(request.Name))
            {
                return Results.Json(new { error = "name is required" }, Json, statusCode: 400);
            }

            try
            {
                var (id, secret) = s.CreateClient(hostKey, request.Name, request.Description ?? "", request.OrganizationGroupUuid, request.Role ?? SimulatorDemo.FullRole);
                // Like the UEM console: the secret is shown once and cannot be read again.
                return Results.Json(new { client_id = id, client_secret = secret }, Json, statusCode: 201);
            }
            catch (KeyNotFoundException ex)
            {
                return Results.Json(new { error = ex.Message }, Json, statusCode: 404);
            }
            catch (SimulatorLimitExceededException ex)
            {
                return Results.Json(new { error = ex.Message }, Json, statusCode: 409);
            }
        });

        op.MapPost("/clients/{clientId}/disable", (SimulatorState s, string clientId) => s.SetClientEnabled(clientId, false) ? Results.NoContent() : Results.NotFound());
        op.MapPost("/clients/{clientId}/enable", (SimulatorState s, string clientId) => s.SetClientEnabled(clientId, true) ? Results.NoContent() : Results.NotFound());

        op.MapPost("/faults", async (HttpContext http, SimulatorState s) =>
        {
            var fault = await http.Request.ReadFromJsonAsync<SimFault>(OperatorJson, http.RequestAborted);
            if (fault is null)
            {
                return Results.Json(new { error = "fault body required" }, Json, statusCode: 400);
            }

            try
            {
                s.AddFault(fault);
            }
            catch (SimulatorLimitExceededException ex)
            {
                return Results.Json(new { error = ex.Message }, Json, statusCode: 409);
            }

            return Results.NoContent();
        });
        op.MapDelete("/faults", (SimulatorState s) =>
        {
            s.ClearFaults();
            return Results.NoContent();
        });
        op.MapPost("/tokens/expire", (SimulatorState s) =>
        {
            s.ExpireAllTokens();
            return Results.NoContent();
        });
        op.MapPost("/settings", async (HttpContext http, SimulatorState s) =>
        {
            var settings = await http.Request.ReadFromJsonAsync<SimulatorSettings>(OperatorJson, http.RequestAborted);
            if (settings?.UemTokenLifetimeSeconds is > 0 and var uem)
            {
                s.UemTokenLifetime = TimeSpan.FromSeconds(uem);
            }

            if (settings?.IntelligenceTokenLifetimeSeconds is > 0 and var intel)
            {
                s.IntelligenceTokenLifetime = TimeSpan.FromSeconds(intel);
            }

            return Results.Json(new { uemTokenLifetimeSeconds = (int)s.UemTokenLifetime.TotalSeconds, intelligenceTokenLifetimeSeconds = (int)s.IntelligenceTokenLifetime.TotalSeconds }, Json);
        });
        op.MapGet("/requests", (SimulatorState s) => Results.Json(s.RequestLog, Json));
        op.MapDelete("/requests", (SimulatorState s) =>
        {
            s.ClearRequestLog();
            return Results.NoContent();
        });
        op.MapGet("/tenants/{hostKey}/commands", (SimulatorState s, string hostKey) => Results.Json(s.Commands(hostKey), Json));
        op.MapPost("/reset", (SimulatorState s) =>
        {
            s.Reset();
            return Results.NoContent();
        });
    }
}
