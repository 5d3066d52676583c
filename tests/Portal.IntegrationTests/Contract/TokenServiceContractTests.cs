using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Integrations;
using Portal.Simulator;

namespace Portal.IntegrationTests.Contract;

/// <summary>The token services are not in the OpenAPI documents: checked against workspace-one-api.md §1 and §3.2.</summary>
public sealed class TokenServiceContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UemTokenService_FormBody_ReturnsAccessTokenBearerAndOneHourExpiry()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await http.PostAsync(harness.Simulator.TokenUrl("na"), new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", SimulatorDemo.ClientId),
            new("client_secret", SimulatorDemo.ClientSecret),
        ]), Ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        json.RootElement.GetProperty("access_token").GetString().ShouldNotBeNullOrEmpty();
        json.RootElement.GetProperty("token_type").GetString().ShouldBe("Bearer");
        json.RootElement.GetProperty("expires_in").GetInt32().ShouldBe(3600);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task UemTokenService_BasicHeaderWithGrantTypeOnly_ReturnsToken()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, harness.Simulator.TokenUrl("na"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SimulatorDemo.ClientId}:{SimulatorDemo.ClientSecret}")));

        using var response = await http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("grant_type=password", 400, "unsupported_grant_type")]
    [InlineData("client_id=x&client_secret=y", 400, "invalid_request")]
    [InlineData("grant_type=client_credentials&client_id=unknown&client_secret=y", 400, "invalid_client")]
    public async Task UemTokenService_BadRequests_Rfc6749ErrorCodes(string form, int status, string error)
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await http.PostAsync(harness.Simulator.TokenUrl("na"), new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        ((int)response.StatusCode).ShouldBe(status);
        json.RootElement.GetProperty("error").GetString().ShouldBe(error);
    }

    [Fact]
    public async Task UemTokenService_BadBasicCredentials_401WithWwwAuthenticate()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, harness.Simulator.TokenUrl("na"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SimulatorDemo.ClientId}:wrong")));

        using var response = await http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task IntelligenceTokenService_QueryGrantBasicNoBody_ReturnsBearer3599()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(harness.Simulator.IntelligenceTokenEndpoint + "?grant_type=client_credentials"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SimulatorDemo.IntelligenceClientId}:{SimulatorDemo.IntelligenceClientSecret}")));

        using var response = await http.SendAsync(request, Ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.RootElement.GetProperty("token_type").GetString().ShouldBe("bearer");
        json.RootElement.GetProperty("expires_in").GetInt32().ShouldBe(3599);
        json.RootElement.GetProperty("scope").GetString()!.ShouldContain("dpa.");
        json.RootElement.GetProperty("dpa.org_id").GetString().ShouldBe(SimulatorDemo.IntelligenceOrgId.ToString());
    }

    [Fact]
    public async Task UemClientRequests_TokenCall_FormEncodedPostToConnectToken()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        await harness.Tokens.GetTokenAsync(harness.DemoConnection(), Ct);

        var request = harness.State.RecentRequests.ShouldHaveSingleItem();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/regions/na/connect/token");
        request.ContentType.ShouldBe("application/x-www-form-urlencoded");
        request.QueryKeys.ShouldBeEmpty();
    }
}
