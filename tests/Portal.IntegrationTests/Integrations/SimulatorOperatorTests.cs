using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

public sealed class SimulatorOperatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OperatorApi_CreateThenDisableClient_SecretWorksUntilDisabled()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var operatorClient = await harness.SimulatorOperatorAsync();
        var http = operatorClient.Http;

        using var created = await http.PostAsJsonAsync(
            $"_operator/tenants/{SimulatorDemo.TenantHostKey}/clients",
            new { name = "Helpdesk portal", description = "created by test", role = SimulatorDemo.FullRole },
            Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<Dictionary<string, string>>(Ct);
        var connection = harness.DemoConnection() with { ClientId = body!["client_id"], ClientSecret = SecretString.Create(body["client_secret"]) };

        var ok = await harness.Verifier.VerifyAsync(connection, null, Ct);
        using var disabled = await http.PostAsync($"_operator/clients/{connection.ClientId}/disable", null, Ct);
        var afterDisable = await harness.Services.GetRequiredService<UemTokenClient>()
            .RequestTokenAsync(connection.TokenUrl, connection.ClientId, connection.ClientSecret, ClientAuthStyle.FormBody, Ct)
            .ContinueWith(t => t.Exception?.InnerException as IntegrationException, Ct);

        ok.ShouldAllBe(r => r.Ok);
        disabled.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        afterDisable.ShouldNotBeNull().ErrorCode.ShouldBe("invalid_client");
    }

    [Fact]
    public async Task OperatorApi_InjectFaultAndReadRequestLog_FaultAppliedAndCounted()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var operatorClient = await harness.SimulatorOperatorAsync();
        var http = operatorClient.Http;

        using var added = await http.PostAsJsonAsync("_operator/faults", new { kind = "RateLimit", target = "UemToken", retryAfterSeconds = 60 }, Ct);
        using var token = await http.PostAsync("connect/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]), Ct);
        var log = await http.GetFromJsonAsync<Dictionary<string, int>>("_operator/requests", Ct);

        added.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        token.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        token.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(60));
        log!["POST /connect/token"].ShouldBe(1);
    }

    [Fact]
    public async Task TokenEndpoint_JsonBody_InvalidRequest()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var operatorClient = await harness.SimulatorOperatorAsync();
        var http = operatorClient.Http;

        using var response = await http.PostAsJsonAsync("connect/token", new { grant_type = "client_credentials", client_id = SimulatorDemo.ClientId, client_secret = SimulatorDemo.ClientSecret }, Ct);
        var error = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        error!["error"].ShouldBe("invalid_request");
    }
}
