using System.Net;
using System.Text.Json;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

/// <summary>The portal mounts the simulator at /simulator: anonymous, no antiforgery, no status-code page rewriting.</summary>
public sealed class PortalSimulatorMountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Portal_SimulatorEnabled_ServicesAnonymousOperatorApiProtected()
    {
        await using var factory = new Portal.IntegrationTests.Infrastructure.PortalAppFactory();
        await factory.InitializeAsync();
        using var portalClient = factory.CreatePortalClient();
        var client = portalClient.Http;

        using var token = await client.PostAsync("/simulator/connect/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", SimulatorDemo.ClientId),
            new("client_secret", SimulatorDemo.ClientSecret),
        ]), Ct);
        using var unauthenticated = await client.GetAsync("/simulator/API/system/info", Ct);
        using var operatorApi = await client.GetAsync("/simulator/_operator/tenants", Ct);
        var error = JsonDocument.Parse(await unauthenticated.Content.ReadAsStringAsync(Ct));

        token.StatusCode.ShouldBe(HttpStatusCode.OK);
        unauthenticated.StatusCode.ShouldBe(HttpStatusCode.Unauthorized); // the simulator's own 401, not a login redirect
        error.RootElement.GetProperty("errorCode").GetInt32().ShouldBe(1024);
        operatorApi.StatusCode.ShouldBe(HttpStatusCode.Unauthorized); // operator API needs a signed-in Admin; an API answers 401, not a sign-in redirect
    }
}
