using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Setup;

/// <summary>
/// What one click costs: database commands, tenant-secret decrypts and audit appends, counted only inside the
/// measured call (an async-local flag, so background work does not blur the figures). The bounds pin the pipeline's
/// figures so a regression fails here.
/// </summary>
public sealed class ClickCostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MeteredPortal _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task VerifyUemEndToEnd_AsHelpdesk_StaysWithinItsBudget()
    {
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<ISetupWorkflow>();
        var run = await ReadyForVerifyAsync(scope, setup);

        var (outcome, cost) = await ClickCounter.MeasureAsync(() => setup.VerifyAsync(run.Id, run.Version, SetupStep.VerifyUem, Ct));

        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        output.WriteLine($"Verify UEM end to end: {cost}");
        cost.ShouldSatisfyAllConditions(
            () => cost.Queries.ShouldBeLessThanOrEqualTo(Budget.VerifyQueries),
            () => cost.Decrypts.ShouldBeLessThanOrEqualTo(Budget.VerifyDecrypts),
            () => cost.Audits.ShouldBeLessThanOrEqualTo(Budget.VerifyAudits));
    }

    [Fact]
    public async Task CheckNow_OneTenant_StaysWithinItsBudget()
    {
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<ISetupWorkflow>();
        var run = await ReadyForVerifyAsync(scope, setup);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();

        var (result, cost) = await ClickCounter.MeasureAsync(() => status.CheckNowAsync([run.TenantId], Ct));

        result.Succeeded.ShouldBeTrue(result.Message);
        output.WriteLine($"Check now: {cost}");
        cost.ShouldSatisfyAllConditions(
            () => cost.Queries.ShouldBeLessThanOrEqualTo(Budget.CheckNowQueries),
            () => cost.Decrypts.ShouldBeLessThanOrEqualTo(Budget.CheckNowDecrypts),
            () => cost.Audits.ShouldBeLessThanOrEqualTo(Budget.CheckNowAudits));
    }

    /// <summary>The demo tenant with plan, client and key done: the next click is "Verify UEM end to end".</summary>
    private static async Task<SetupRun> ReadyForVerifyAsync(AsyncServiceScope scope, ISetupWorkflow setup)
    {
        var tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        var run = Moved(await setup.StartAsync(tenantId, SetupRunKind.InitialSetup, Ct));
        run = Moved(await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct));
        run = Moved(await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct));
        return Moved(await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct));
    }

    private static SetupRun Moved(StepOutcome outcome)
    {
        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        return outcome.Snapshot!.Run!;
    }

    /// <summary>
    /// Upper bounds. Before the step pipeline: Verify UEM 33 commands, 12 decrypts, 3 audit appends; Check now 24
    /// commands, 3 decrypts, 3 audit appends. Verify now decrypts each of the demo tenant's three secrets once; Check
    /// now no longer loads every unfinished run, reads back its own inserts or looks the tenant's name up for the audit.
    /// </summary>
    private static class Budget
    {
        public const int VerifyQueries = 12;
        public const int VerifyDecrypts = 3;
        public const int VerifyAudits = 3;
        public const int CheckNowQueries = 21;
        public const int CheckNowDecrypts = 3;
        public const int CheckNowAudits = 3;
    }
}

/// <summary>Counts what happens inside <see cref="MeasureAsync{T}"/> only.</summary>
public static class ClickCounter
{
    private static readonly AsyncLocal<Tally?> Current = new();

    public static async Task<(T Result, ClickCost Cost)> MeasureAsync<T>(Func<Task<T>> click)
    {
        ArgumentNullException.ThrowIfNull(click);
        var tally = new Tally();
        Current.Value = tally;
        try
        {
            var result = await click();
            return (result, new ClickCost(tally.Queries, tally.Decrypts, tally.Audits));
        }
        finally
        {
            Current.Value = null;
        }
    }

    internal static void Query() => Current.Value?.CountQuery();

    internal static void Decrypt() => Current.Value?.CountDecrypt();

    internal static void Audit() => Current.Value?.CountAudit();

    private sealed class Tally
    {
        private int _queries;
        private int _decrypts;
        private int _audits;

        public int Queries => _queries;

        public int Decrypts => _decrypts;

        public int Audits => _audits;

        public void CountQuery() => Interlocked.Increment(ref _queries);

        public void CountDecrypt() => Interlocked.Increment(ref _decrypts);

        public void CountAudit() => Interlocked.Increment(ref _audits);
    }
}

public sealed record ClickCost(int Queries, int Decrypts, int Audits)
{
    public override string ToString() => $"{Queries} database commands, {Decrypts} tenant-secret decrypts, {Audits} audit appends";
}

/// <summary>The real portal with counting decorators around the database, Data Protection and the audit sink.</summary>
public sealed class MeteredPortal : PortalAppFactory
{
    public MeteredPortal()
    {
        WithSetting("Status:SweepEnabled", "false");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<PortalDbContext>(o => o.AddInterceptors(new CountingCommands()));
            Decorate<IDataProtectionProvider>(services, inner => new CountingProvider(inner));
            Decorate<IAuditSink>(services, inner => new CountingAuditSink(inner));
        });
    }

    private static void Decorate<TService>(IServiceCollection services, Func<TService, TService> wrap)
        where TService : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(TService));
        services.Remove(descriptor);
        services.Add(new ServiceDescriptor(typeof(TService), sp => wrap((TService)Build(sp, descriptor)), descriptor.Lifetime));
    }

    private static object Build(IServiceProvider sp, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);

    private sealed class CountingCommands : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            ClickCounter.Query();
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            ClickCounter.Query();
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            ClickCounter.Query();
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            ClickCounter.Query();
            return base.ReaderExecuting(command, eventData, result);
        }
    }

    /// <summary>Counts unprotects under the tenant-secret purpose; cookies and antiforgery use other purposes.</summary>
    private sealed class CountingProvider(IDataProtectionProvider inner) : IDataProtectionProvider
    {
        public IDataProtector CreateProtector(string purpose) =>
            new CountingProtector(inner.CreateProtector(purpose), purpose == TenantSecretsService.Purpose);
    }

    private sealed class CountingProtector(IDataProtector inner, bool counting) : IDataProtector
    {
        public IDataProtector CreateProtector(string purpose) => new CountingProtector(inner.CreateProtector(purpose), counting);

        public byte[] Protect(byte[] plaintext) => inner.Protect(plaintext);

        public byte[] Unprotect(byte[] protectedData)
        {
            if (counting)
            {
                ClickCounter.Decrypt();
            }

            return inner.Unprotect(protectedData);
        }
    }

    private sealed class CountingAuditSink(IAuditSink inner) : IAuditSink
    {
        public Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
        {
            ClickCounter.Audit();
            return inner.WriteAsync(auditEvent, cancellationToken);
        }
    }
}
