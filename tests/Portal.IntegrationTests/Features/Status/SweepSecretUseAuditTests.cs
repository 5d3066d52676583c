using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>Real sweeps against the simulator read the tenant's secrets every time, but record that once per secret version and day.</summary>
public sealed class SweepSecretUseAuditTests : IAsyncLifetime
{
    private const string SweepActor = "system:status-sweep";

    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("Status:SweepEnabled", "false");
    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        var run = (await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct)).Snapshot!.Run!;
        run = (await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct)).Snapshot!.Run!;
        run = (await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct)).Snapshot!.Run!;
        (await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct)).Succeeded.ShouldBeTrue();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Sweeps_ManyProbesOfOneTenant_RecordOneUsePerSecretVersionWithTheSystemActor()
    {
        var sweeper = _portal.Services.GetRequiredService<StatusSweeper>();
        for (var i = 0; i < 6; i++)
        {
            (await sweeper.SweepAsync([_tenantId], Ct)).ShouldContainKey(_tenantId);
        }

        var uses = await SweepUsesAsync();
        var use = uses.ShouldHaveSingleItem();
        use.Outcome.ShouldBe(AuditOutcome.Success);
        use.DetailsJson.ShouldContain("UemClientSecret=hmac:");
        (await AnonymousUsesAsync()).ShouldBe(0);

        // A new secret version (here: its stored fingerprint changes) is recorded again, once.
        await using (var db = await DbFactory.CreateDbContextAsync(Ct))
        {
            await db.Set<TenantSecret>().Where(s => s.TenantId == _tenantId && s.Kind == TenantSecretKind.UemApiKey)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Fingerprint, "sha256:0123456789ab"), Ct);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sweeper.SweepAsync([_tenantId], Ct)));
        (await sweeper.SweepAsync([_tenantId], Ct)).ShouldContainKey(_tenantId);

        uses = await SweepUsesAsync();
        uses.Count.ShouldBe(2);
        uses[1].DetailsJson.ShouldContain("UemApiKey=sha256:0123456789ab");
    }

    private IDbContextFactory<PortalDbContext> DbFactory => _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    private async Task<List<AuditEntry>> SweepUsesAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
        var key = _tenantId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "tenant.secrets.use" && e.TenantId == key && e.Actor == SweepActor)
            .OrderBy(e => e.Id).ToListAsync(Ct);
    }

    private async Task<int> AnonymousUsesAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().CountAsync(e => e.Action == "tenant.secrets.use" && e.Actor == "anonymous", Ct);
    }
}
