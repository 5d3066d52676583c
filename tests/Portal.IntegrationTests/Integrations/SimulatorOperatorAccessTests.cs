using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

/// <summary>
/// A private portal (the operator calls reset and inject faults, which would disturb the shared one) whose simulator has
/// small limits, with one signed-in-able user per non-admin role.
/// </summary>
public sealed class OperatorApiPortal : PortalAppFactory
{
    public const string Password = "Operator-Passw0rd!long";

    /// <summary>Room for exactly one client beyond the demo tenant's three seeded ones, and for one fault.</summary>
    public static readonly SimulatorLimits Limits = new() { MaxClientsPerTenant = 4, MaxFaults = 1 };

    public static readonly IReadOnlyList<string> NonAdminRoles = [Roles.Helpdesk, Roles.TeamLead, Roles.Auditor];

    public SimulatorState Simulator => Services.GetRequiredService<SimulatorState>();

    public static string UserNameFor(string role) => "operator-" + role.ToLowerInvariant();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        foreach (var role in NonAdminRoles)
        {
            var user = new PortalUser { UserName = UserNameFor(role), DisplayName = role, CreatedUtc = DateTime.UtcNow, LockoutEnabled = true };
            (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Registered after the portal's own (TryAdd) registration, so this bounded state is the one resolved.
        builder.ConfigureTestServices(services => services.AddSingleton(new SimulatorState(limits: Limits)));
    }
}

/// <summary>The simulator's operator API in the portal is for Admins only, checked by calling it over real HTTP.</summary>
public sealed class SimulatorOperatorAccessTests(OperatorApiPortal portal) : IClassFixture<OperatorApiPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> NonAdminRoles() => [.. OperatorApiPortal.NonAdminRoles];

    [Fact]
    public async Task OperatorApi_Anonymous_401AndNothingChanges()
    {
        using var client = portal.CreatePortalClient();
        ArrangeMarkedState();

        var answers = await CallEveryOperatorEndpointAsync(client.Http);

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Unauthorized, Describe(answers));
        ShouldBeUntouched();
    }

    [Theory]
    [MemberData(nameof(NonAdminRoles))]
    public async Task OperatorApi_NonAdminRole_403AndNothingChanges(string role)
    {
        using var client = portal.CreatePortalClient();
        (await client.SignInAsync(OperatorApiPortal.UserNameFor(role), OperatorApiPortal.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ArrangeMarkedState();

        var answers = await CallEveryOperatorEndpointAsync(client.Http);

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Forbidden, Describe(answers));
        ShouldBeUntouched();
    }

    [Fact]
    public async Task OperatorApi_Admin_EveryCallServed()
    {
        using var client = await SignedInAdminAsync();

        var answers = await CallEveryOperatorEndpointAsync(client.Http);

        answers.Select(a => (a.Call, a.Status)).ShouldBe(
        [
            ("POST /reset", HttpStatusCode.NoContent),
            ("POST /tenants/demo/clients", HttpStatusCode.Created),
            ("POST /faults", HttpStatusCode.NoContent),
            ("DELETE /faults", HttpStatusCode.NoContent),
            ("GET /requests", HttpStatusCode.OK),
        ], Describe(answers));
        portal.Simulator.FindTenant(SimulatorDemo.TenantHostKey)!.Clients.ShouldContain(c => c.Name == ProbeClientName);
    }

    [Fact]
    public async Task OperatorApi_AdminPastTheClientLimit_409WithTheLimitMessage()
    {
        using var client = await SignedInAdminAsync();
        (await client.Http.PostAsync("/simulator/_operator/reset", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var fits = await CreateClientAsync(client.Http);

        using var refused = await CreateClientAsync(client.Http);
        var error = await refused.Content.ReadFromJsonAsync<Dictionary<string, string>>(Ct);

        fits.StatusCode.ShouldBe(HttpStatusCode.Created);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        error!["error"].ShouldBe($"Tenant '{SimulatorDemo.TenantHostKey}' already has {OperatorApiPortal.Limits.MaxClientsPerTenant} OAuth clients, the simulator's limit. Reset the simulator to start again.");
    }

    [Fact]
    public async Task OperatorApi_AdminPastTheFaultLimit_409WithTheLimitMessage()
    {
        using var client = await SignedInAdminAsync();
        (await client.Http.DeleteAsync("/simulator/_operator/faults", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var fits = await AddFaultAsync(client.Http);

        using var refused = await AddFaultAsync(client.Http);
        var error = await refused.Content.ReadFromJsonAsync<Dictionary<string, string>>(Ct);
        using var cleared = await client.Http.DeleteAsync("/simulator/_operator/faults", Ct);

        fits.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        error!["error"].ShouldContain("1 faults are already injected");
        cleared.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    private const string ProbeClientName = "operator-access-probe";

    private async Task<PortalHttpClient> SignedInAdminAsync()
    {
        var client = portal.CreatePortalClient();
        (await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private static Task<HttpResponseMessage> CreateClientAsync(HttpClient http) =>
        http.PostAsJsonAsync($"/simulator/_operator/tenants/{SimulatorDemo.TenantHostKey}/clients", new { name = ProbeClientName, role = SimulatorDemo.FullRole }, Ct);

    // Aimed at a service the portal never calls on its own, and used up by one request.
    private static Task<HttpResponseMessage> AddFaultAsync(HttpClient http) =>
        http.PostAsJsonAsync("/simulator/_operator/faults", new { kind = "RateLimit", target = "IntelligenceApi", remaining = 1 }, Ct);

    /// <summary>Reset, clients, faults (add and clear) and the request log, in an order an Admin can run them all.</summary>
    private static async Task<List<(string Call, HttpStatusCode Status)>> CallEveryOperatorEndpointAsync(HttpClient http)
    {
        var answers = new List<(string, HttpStatusCode)>();
        async Task CallAsync(string call, Func<Task<HttpResponseMessage>> send)
        {
            using var response = await send();
            answers.Add((call, response.StatusCode));
        }

        await CallAsync("POST /reset", () => http.PostAsync("/simulator/_operator/reset", null, Ct));
        await CallAsync("POST /tenants/demo/clients", () => CreateClientAsync(http));
        await CallAsync("POST /faults", () => AddFaultAsync(http));
        await CallAsync("DELETE /faults", () => http.DeleteAsync("/simulator/_operator/faults", Ct));
        await CallAsync("GET /requests", () => http.GetAsync("/simulator/_operator/requests", Ct));
        return answers;
    }

    private static string Describe(IEnumerable<(string Call, HttpStatusCode Status)> answers) =>
        string.Join(", ", answers.Select(a => $"{a.Call} → {(int)a.Status}"));

    private const string MarkerClientId = "operator-access-marker";

    /// <summary>Known state before a refused caller tries: demo data plus one marker fault.</summary>
    private void ArrangeMarkedState()
    {
        portal.Simulator.Reset();
        portal.Simulator.AddFault(new SimFault { Kind = SimFaultKind.Latency, Target = SimFaultTarget.IntelligenceApi, ClientId = MarkerClientId, Remaining = 1 });
    }

    /// <summary>No client was created, and neither reset nor clearing the faults ran (the marker fault is still there).</summary>
    private void ShouldBeUntouched()
    {
        portal.Simulator.FindTenant(SimulatorDemo.TenantHostKey)!.Clients.ShouldNotContain(c => c.Name == ProbeClientName);
        portal.Simulator.TakeFault(SimFaultTarget.IntelligenceApi, null, MarkerClientId, _ => true).ShouldNotBeNull();
    }
}
