using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

/// <summary>The portal mounts the simulator at /simulator: anonymous, no antiforgery, no status-code page rewriting.</summary>
public sealed class PortalSimulatorMountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class PortalFactory(string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Database:Path", Path.Combine(folder, "portal.db"));
            builder.UseSetting("DataProtection:KeysPath", Path.Combine(folder, "keys"));
            builder.UseSetting("Serilog:WriteTo:1:Args:path", Path.Combine(folder, "logs", "portal-.log"));
        }
    }

    [Fact]
    public async Task Portal_SimulatorEnabled_ServicesAnonymousOperatorApiProtected()
    {
        var folder = Directory.CreateTempSubdirectory("portal-sim-").FullName;
        await using var factory = new PortalFactory(folder);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

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
        ((int)operatorApi.StatusCode).ShouldBeOneOf(302, 401); // operator API needs a signed-in portal user
    }
}
