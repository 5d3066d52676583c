using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Setup;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Tenants;

/// <summary>
/// A curious Helpdesk user tries to get the demo tenant's stored client secret and REST API key out of the portal:
/// by pointing the tenant at a server of theirs (a real listener on loopback, which the portal can reach) and letting
/// the status check call it, or by revealing the secret in a run of their own. Nothing stored may reach them.
/// </summary>
public sealed class SecretExfiltrationTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("Status:SweepEnabled", "false");
    private AttackerServer _attacker = default!;
    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        _attacker = await AttackerServer.StartAsync();
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        var run = Moved(await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct));
        run = Moved(await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct));
        run = Moved(await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct));
        run = Moved(await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct));
        foreach (var step in new[] { SetupStep.VerifyUem, SetupStep.AuthoriseIntelligence, SetupStep.ProveAutomation })
        {
            run = Moved(await setup.SkipAsync(run.Id, run.Version, step, "Done earlier in the consoles", Ct));
        }

        Moved(await setup.ConfirmAsync(run.Id, run.Version, SetupStep.Summary, null, Ct)).IsFinished.ShouldBeTrue();
        (await SweepAsync()).Status.ShouldBe(ConnectionStatus.Connected); // the stored secrets work before the attack
    }

    public async ValueTask DisposeAsync()
    {
        await _attacker.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task ApiHostMovedToTheAttacker_StoredKeyAndSecretAreRemovedAndNeverSentThere()
    {
        var saved = await EditAsync(m => m.UemApiUrl = _attacker.BaseUrl + "/API");

        saved.Succeeded.ShouldBeTrue(saved.Message);
        saved.Warnings.ShouldContain(w => w.Contains("removed", StringComparison.Ordinal) && w.Contains("REST API host", StringComparison.Ordinal));
        await AssertSecretsRemovedAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        var row = await SweepAsync();
        row.Status.ShouldBe(ConnectionStatus.NotConfigured);
        row.Diagnosis.ShouldBe(StatusSweeper.NeedsCredentialsDiagnosis);
        _attacker.Requests.ShouldBeEmpty();

        // The attacker's host is reachable: once the Helpdesk user types a key of their own, the check calls it with that key only.
        (await EditAsync(m => { m.NewUemClientSecret = SimulatorDemo.ClientSecret; m.NewUemApiKey = "key-typed-by-the-insider"; })).Succeeded.ShouldBeTrue();
        await SweepAsync();
        _attacker.Requests.ShouldNotBeEmpty();
        _attacker.Requests.ShouldContain(r => r.Contains("key-typed-by-the-insider", StringComparison.Ordinal));
        _attacker.Requests.ShouldAllBe(r => !r.Contains(SimulatorDemo.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TenantMovedOntoTheAttackersCustomRegion_StoredSecretIsNeverPostedThere()
    {
        var region = await CreateCustomRegionAsync("evil", _attacker.BaseUrl + "/connect/token");

        var saved = await EditAsync(m => { m.UemRegionId = region; m.UemTokenUrl = ""; });

        saved.Succeeded.ShouldBeTrue(saved.Message);
        await AssertSecretsRemovedAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        (await SweepAsync()).Status.ShouldBe(ConnectionStatus.NotConfigured);
        _attacker.Requests.ShouldBeEmpty();
        var update = (await AuditAsync()).First(e => e.Action == "tenant.update" && e.Outcome == AuditOutcome.Success);
        update.DetailsJson.ShouldContain("secretsRemoved");
        update.DetailsJson.ShouldContain(nameof(TenantSecretKind.UemClientSecret));

        (await EditAsync(m => m.NewUemClientSecret = "secret-typed-by-the-insider")).Succeeded.ShouldBeTrue();
        await SweepAsync();
        _attacker.Requests.ShouldContain(r => r.Contains("secret-typed-by-the-insider", StringComparison.Ordinal)); // reachable
        _attacker.Requests.ShouldAllBe(r => !r.Contains(SimulatorDemo.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenUrlEditedToTheAttackersHost_StoredSecretIsNeverPostedThere()
    {
        // The tenant already lives on a custom region (token URL editable) with secrets entered for its lab host.
        var lab = await CreateCustomRegionAsync("lab", "https://uem-lab.example.net/connect/token");
        (await EditAsync(m => { m.UemRegionId = lab; m.UemTokenUrl = ""; m.NewUemClientSecret = SimulatorDemo.ClientSecret; m.NewUemApiKey = SimulatorDemo.ApiKey; }))
            .Succeeded.ShouldBeTrue();
        await AssertSecretsStoredAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);

        var saved = await EditAsync(m => m.UemTokenUrl = _attacker.BaseUrl + "/connect/token");

        saved.Succeeded.ShouldBeTrue(saved.Message);
        await AssertSecretsRemovedAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        (await SweepAsync()).Status.ShouldBe(ConnectionStatus.NotConfigured);
        _attacker.Requests.ShouldBeEmpty();
        (await EditAsync(m => m.NewUemClientSecret = "secret-typed-by-the-insider")).Succeeded.ShouldBeTrue();
        await SweepAsync();
        _attacker.Requests.ShouldContain(r => r.Contains("secret-typed-by-the-insider", StringComparison.Ordinal)); // reachable
        _attacker.Requests.ShouldAllBe(r => !r.Contains(SimulatorDemo.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplacingTheClientSecret_DropsTheTokensBoughtWithTheOldOne()
    {
        var cache = _portal.Services.GetRequiredService<Portal.Integrations.AccessTokenCache>();
        cache.CountForClient(SimulatorDemo.ClientId).ShouldBeGreaterThan(0); // the check in InitializeAsync bought one

        (await EditAsync(m => m.NewUemClientSecret = "replacement-secret-0001")).Succeeded.ShouldBeTrue();

        cache.CountForClient(SimulatorDemo.ClientId).ShouldBe(0);
    }

    [Fact]
    public async Task EditThatKeepsTheHosts_KeepsTheSecrets()
    {
        var saved = await EditAsync(m => m.Notes = "Customer prefers e-mail.");

        saved.Succeeded.ShouldBeTrue(saved.Message);
        saved.Warnings.ShouldBeEmpty();
        await AssertSecretsStoredAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey, TenantSecretKind.IntelligenceClientSecret);
    }

    [Fact]
    public async Task NewRunWithTheClientStepMarkedDoneInConsole_CannotRevealTheStoredSecret()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var run = Moved(await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct));
        run = Moved(await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct));
        foreach (var step in new[] { SetupStep.CreateOAuthClient, SetupStep.RestApiKey, SetupStep.VerifyUem })
        {
            run = Moved(await setup.SkipAsync(run.Id, run.Version, step, "Already done in the UEM console", Ct));
        }

        run.CurrentStep.ShouldBe(SetupStep.AuthoriseIntelligence);
        var reveal = await setup.RevealSecretAsync(run.Id, run.Version, Ct);

        reveal.Succeeded.ShouldBeFalse();
        reveal.Secret.ShouldBeNull();
        reveal.Error.ShouldNotBeNull().ShouldContain("verified a newly entered client");
        (await setup.LoadAsync(_tenantId, Ct))!.Run!.SecretRevealedTo.ShouldBeNull();
        (await AuditAsync()).ShouldContain(e => e.Action == SetupActions.SecretRevealed && e.Outcome == AuditOutcome.Denied);
        (await AuditAsync()).ShouldNotContain(e => e.Action == SetupActions.SecretRevealed && e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task RotationWithTheReplacementClientMarkedDoneInConsole_CannotRevealTheStoredSecret()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var run = Moved(await setup.StartAsync(_tenantId, SetupRunKind.Rotation, Ct));
        run = Moved(await setup.SkipAsync(run.Id, run.Version, SetupStep.CreateReplacementClient, "Already done in the UEM console", Ct));
        run = Moved(await setup.SkipAsync(run.Id, run.Version, SetupStep.VerifyReplacementClient, "Already done in the UEM console", Ct));

        var reveal = await setup.RevealSecretAsync(run.Id, run.Version, Ct);

        reveal.Succeeded.ShouldBeFalse();
        reveal.Secret.ShouldBeNull();
    }

    private AsyncServiceScope Helpdesk() => _portal.Services.ScopeFor("helen", Roles.Helpdesk);

    private static SetupRun Moved(StepOutcome outcome)
    {
        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        return outcome.Snapshot!.Run!;
    }

    private async Task<TenantSaveResult> EditAsync(Action<TenantEditModel> change)
    {
        await using var scope = Helpdesk();
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var model = (await tenants.GetAsync(_tenantId, Ct))!.Model;
        change(model);
        return await tenants.UpdateAsync(_tenantId, model, Ct);
    }

    private async Task<int> CreateCustomRegionAsync(string code, string tokenUrl)
    {
        await using var scope = _portal.Services.ScopeFor("ada", Roles.Admin);
        var created = await scope.ServiceProvider.GetRequiredService<RegionService>().CreateCustomAsync(new RegionEditModel
        {
            Product = RegionProduct.Uem, Code = code, DisplayName = "Custom " + code, TokenUrl = tokenUrl, ApiBaseUrl = new Uri(new Uri(tokenUrl), "/").AbsoluteUri, Location = "Lab",
        }, Ct);
        created.Succeeded.ShouldBeTrue(string.Join(" ", created.Errors.SelectMany(e => e.Value)));
        return created.Id!.Value;
    }

    private async Task AssertSecretsRemovedAsync(params TenantSecretKind[] kinds)
    {
        await using var scope = Helpdesk();
        var details = (await scope.ServiceProvider.GetRequiredService<TenantService>().GetAsync(_tenantId, Ct))!;
        details.Secrets.Where(s => kinds.Contains(s.Kind)).ShouldAllBe(s => !s.IsSet);
    }

    private async Task AssertSecretsStoredAsync(params TenantSecretKind[] kinds)
    {
        await using var scope = Helpdesk();
        var details = (await scope.ServiceProvider.GetRequiredService<TenantService>().GetAsync(_tenantId, Ct))!;
        details.Secrets.Where(s => kinds.Contains(s.Kind)).ShouldAllBe(s => s.IsSet);
    }

    private async Task<StatusBoardRow> SweepAsync()
    {
        await _portal.Services.GetRequiredService<StatusSweeper>().SweepAsync([_tenantId], Ct);
        await using var scope = _portal.Services.ScopeFor("tess", Roles.TeamLead);
        return (await scope.ServiceProvider.GetRequiredService<StatusService>().GetDetailAsync(_tenantId, Ct))!.Row;
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync()
    {
        await using var scope = _portal.Services.ScopeFor("auditor", Roles.Auditor);
        var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>()
            .QueryAsync(new AuditFilter { TenantId = _tenantId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, null, cancellationToken: Ct);
        return page.Entries;
    }
}

/// <summary>
/// The insider's own server: a Kestrel app on loopback that answers like a token service and an API, and keeps every
/// request it gets (method, path, headers with Basic credentials decoded, body) as text.
/// </summary>
public sealed class AttackerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AttackerServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = new StringBuilder($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}\n");
            foreach (var header in http.Request.Headers)
            {
                text.Append(header.Key).Append(": ").Append(header.Value.ToString()).Append('\n');
                if (header.Key == "Authorization" && header.Value.ToString().StartsWith("Basic ", StringComparison.Ordinal))
                {
                    text.Append("Basic decoded: ").Append(Encoding.UTF8.GetString(Convert.FromBase64String(header.Value.ToString()[6..]))).Append('\n');
                }
            }

            text.Append(Uri.UnescapeDataString(await reader.ReadToEndAsync(http.RequestAborted)));
            Requests.Enqueue(text.ToString());
            await http.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["access_token"] = "attacker-token", ["token_type"] = "Bearer", ["expires_in"] = 3600 }, http.RequestAborted);
        });
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    public string BaseUrl => _app.Urls.First();

    public static async Task<AttackerServer> StartAsync()
    {
        var server = new AttackerServer();
        await server._app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
