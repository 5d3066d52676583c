using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Portal.Integrations.Egress;
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
/// by pointing the tenant at a server of theirs and letting the status check call it, or by revealing the secret in a
/// run of their own. Nothing stored may reach them. The attacker's server is a real HTTPS listener named
/// <see cref="AttackerServer.HostName"/> that the portal can reach (its name resolves to loopback, loopback is in
/// Egress:AllowedNetworks and its certificate is trusted), so only the secret rules stand between it and the secrets.
/// </summary>
public sealed class SecretExfiltrationTests : IAsyncLifetime
{
    private PortalAppFactory _portal = default!;
    private AttackerServer _attacker = default!;
    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _attacker = await AttackerServer.StartAsync();
        _portal = new PortalReachingTheAttacker(_attacker).WithSetting("Status:SweepEnabled", "false").WithSetting("Egress:AllowedNetworks:0", "127.0.0.0/8");
        await _portal.InitializeAsync();
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
    public async Task ApiHostMovedToTheAttacker_IsRefusedAtSave_AndNothingIsSentThere()
    {
        // A Simulated-region tenant talks only to the built-in simulator: the edit itself is refused, naming the field.
        var saved = await EditAsync(m => m.UemApiUrl = _attacker.BaseUrl + "/API");

        saved.Succeeded.ShouldBeFalse();
        saved.Errors.ShouldContainKey(nameof(TenantEditModel.UemApiUrl));
        await AssertSecretsStoredAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        (await SweepAsync()).Status.ShouldBe(ConnectionStatus.Connected);
        _attacker.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task TenantMovedOntoTheAttackersCustomRegion_StoredSecretIsNeverPostedThere()
    {
        var region = await CreateCustomRegionAsync("evil", _attacker.BaseUrl + "/connect/token");

        var saved = await EditAsync(m => { m.UemRegionId = region; m.UemTokenUrl = ""; m.UemApiUrl = _attacker.BaseUrl + "/API"; m.UemConsoleUrl = _attacker.BaseUrl; });

        saved.Succeeded.ShouldBeTrue(Describe(saved));
        saved.Warnings.ShouldContain(w => w.Contains("removed", StringComparison.Ordinal) && w.Contains("REST API host", StringComparison.Ordinal));
        await AssertSecretsRemovedAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        var row = await SweepAsync();
        row.Status.ShouldBe(ConnectionStatus.NotConfigured);
        row.Diagnosis.ShouldBe(StatusSweeper.NeedsCredentialsDiagnosis);
        _attacker.Requests.ShouldBeEmpty();
        var update = (await AuditAsync()).First(e => e.Action == "tenant.update" && e.Outcome == AuditOutcome.Success);
        update.DetailsJson.ShouldContain("secretsRemoved");
        update.DetailsJson.ShouldContain(nameof(TenantSecretKind.UemClientSecret));

        // The attacker's host is reachable: what the insider types themselves arrives there, never what was stored.
        (await EditAsync(m => { m.NewUemClientSecret = "secret-typed-by-the-insider"; m.NewUemApiKey = "key-typed-by-the-insider"; })).Succeeded.ShouldBeTrue();
        await SweepAsync();
        _attacker.Requests.ShouldContain(r => r.Contains("secret-typed-by-the-insider", StringComparison.Ordinal));
        _attacker.Requests.ShouldContain(r => r.Contains("key-typed-by-the-insider", StringComparison.Ordinal));
        _attacker.Requests.ShouldAllBe(r => !r.Contains(SimulatorDemo.ClientSecret, StringComparison.Ordinal) && !r.Contains(SimulatorDemo.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenUrlEditedToTheAttackersHost_IsRefusedAtSave_AndTheStoredSecretIsNeverPostedThere()
    {
        // The tenant already lives on a custom region with secrets entered for its lab host.
        var lab = await CreateCustomRegionAsync("lab", "https://uem-lab.example.net/connect/token");
        (await EditAsync(m => { m.UemRegionId = lab; m.UemTokenUrl = ""; m.UemApiUrl = "https://uem-lab.example.net/API"; m.UemConsoleUrl = "https://uem-lab.example.net"; m.NewUemClientSecret = SimulatorDemo.ClientSecret; m.NewUemApiKey = SimulatorDemo.ApiKey; }))
            .ShouldSatisfyAllConditions(r => r.Succeeded.ShouldBeTrue(Describe(r)));
        await AssertSecretsStoredAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);

        // A Custom region's token URL is pinned (Admin-only): a Helpdesk edit of the tenant's token URL is refused.
        var saved = await EditAsync(m => m.UemTokenUrl = _attacker.BaseUrl + "/connect/token");

        saved.Succeeded.ShouldBeFalse();
        saved.Errors.ShouldContainKey(nameof(TenantEditModel.UemTokenUrl));
        await AssertSecretsStoredAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        await SweepAsync();
        _attacker.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task CustomRegionInUse_AdminCannotRepointIt_SoTheStoredSecretsStayWithTheirHosts()
    {
        var lab = await CreateCustomRegionAsync("lab", "https://uem-lab.example.net/connect/token");
        (await EditAsync(m => { m.UemRegionId = lab; m.UemTokenUrl = ""; m.UemApiUrl = "https://uem-lab.example.net/API"; m.UemConsoleUrl = "https://uem-lab.example.net"; m.NewUemClientSecret = SimulatorDemo.ClientSecret; m.NewUemApiKey = SimulatorDemo.ApiKey; }))
            .ShouldSatisfyAllConditions(r => r.Succeeded.ShouldBeTrue(Describe(r)));
        var unused = await CreateCustomRegionAsync("spare", "https://uem-spare.example.net/connect/token");

        await using var scope = _portal.Services.ScopeFor("ada", Roles.Admin);
        var regions = scope.ServiceProvider.GetRequiredService<RegionService>();
        var repointed = await regions.UpdateAsync(lab, EditModelOf((await regions.GetAsync(lab, Ct))!, _attacker.BaseUrl + "/connect/token"), Ct);

        repointed.Succeeded.ShouldBeFalse();
        repointed.Errors[nameof(RegionEditModel.TokenUrl)].ShouldContain(e => e.Contains("cannot be moved", StringComparison.Ordinal));
        (await regions.GetAsync(lab, Ct))!.TokenUrl.ShouldBe("https://uem-lab.example.net/connect/token");
        await AssertSecretsStoredAsync(TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey);
        await SweepAsync();
        _attacker.Requests.ShouldBeEmpty();
        var audit = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
        (await audit.QueryAsync(new AuditFilter { Action = "region.update" }, null, cancellationToken: Ct)).Entries
            .ShouldContain(e => e.Outcome == AuditOutcome.Denied && e.DetailsJson.Contains("pinned", StringComparison.Ordinal));

        // A custom region no tenant uses can still be corrected.
        (await regions.UpdateAsync(unused, EditModelOf((await regions.GetAsync(unused, Ct))!, "https://uem-spare2.example.net/connect/token"), Ct)).Succeeded.ShouldBeTrue();
    }

    private static RegionEditModel EditModelOf(RegionSummary region, string tokenUrl) => new()
    {
        Product = region.Product, Code = region.Code, DisplayName = region.DisplayName, Kind = region.Kind, TokenUrl = tokenUrl,
        ApiBaseUrl = new Uri(new Uri(tokenUrl), "/").AbsoluteUri, Location = region.Location, CountriesServed = region.CountriesServed, Version = region.Version,
    };

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

        saved.Succeeded.ShouldBeTrue(Describe(saved));
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

    private static string Describe(TenantSaveResult result) =>
        $"{result.Message} {string.Join(" ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}";

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
    /// <summary>The name the insider gives their server; the test portal resolves it to loopback.</summary>
    public const string HostName = "attacker.test";

    private readonly WebApplication _app;

    private AttackerServer()
    {
        Certificate = SelfSignedCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate)));
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

    public X509Certificate2 Certificate { get; }

    public string BaseUrl => $"https://{HostName}:{new Uri(_app.Urls.First()).Port}";

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

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
        Certificate.Dispose();
    }
}

/// <summary>
/// The demo portal, able to reach the insider's server as a real host would be: its name resolves to loopback through
/// the egress guard's resolver seam, and its self-signed certificate (that one only) is trusted.
/// </summary>
internal sealed class PortalReachingTheAttacker(AttackerServer attacker) : PortalAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var thumbprint = attacker.Certificate.Thumbprint;
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEgressResolver>(new AttackerResolver());
            services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                if (handlers.PrimaryHandler is SocketsHttpHandler sockets)
                {
                    sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                        errors == SslPolicyErrors.None || (certificate is not null && certificate.GetCertHashString() == thumbprint);
                }
            }));
        });
    }

    private sealed class AttackerResolver : IEgressResolver
    {
        public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            string.Equals(host, AttackerServer.HostName, StringComparison.OrdinalIgnoreCase)
                ? [IPAddress.Loopback]
                : await Dns.GetHostAddressesAsync(host, cancellationToken);
    }
}
