using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>
/// The sweep's database work is batched: it reads its tenants, secrets, earlier results and set-up progress once per
/// sweep and writes results in batches, so a sweep of many tenants costs no more commands than a sweep of a few.
/// Counted on the real portal and database; only the remote side is scripted (every probe passes), and the probes of a
/// sweep finish together so the writer sees them as one batch.
/// </summary>
public sealed class SweepQueryCountTests : IAsyncLifetime
{
    private readonly CountingSweepPortal _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Sweep_ManyTenants_CostsNoMoreReadsOrCommitsThanAFew_AndASteadySweepWritesNoAudit()
    {
        var few = await AddTenantsAsync("Few", 3);
        var many = await AddTenantsAsync("Many", 40);
        var sweeper = _portal.Services.GetRequiredService<StatusSweeper>();
        // First sweeps: every status changes from none to Connected (audited once each, as before).
        await SweepAsync(sweeper, few);
        var (_, firstCost) = await SweepCost.MeasureAsync(() => SweepAsync(sweeper, many));
        var auditsBefore = await AuditCountAsync();
        // The batch's results in one transaction, its 40 status changes appended to the audit chain in another.
        firstCost.Commits.ShouldBeLessThanOrEqualTo(2);
        (await _portal.Services.GetRequiredService<AuditVerifier>().VerifyAsync(Ct)).IsIntact.ShouldBeTrue();
        await using (var audit = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            var keys = many.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            (await audit.Set<AuditEntry>().CountAsync(e => e.Action == "status.changed" && e.Actor == StatusSweeper.AuditActor && keys.Contains(e.TenantId!), Ct)).ShouldBe(many.Count);
        }

        var (fewStatuses, fewCost) = await SweepCost.MeasureAsync(() => SweepAsync(sweeper, few));
        var (manyStatuses, manyCost) = await SweepCost.MeasureAsync(() => SweepAsync(sweeper, many));

        fewStatuses.Values.ShouldAllBe(s => s == ConnectionStatus.Connected);
        manyStatuses.Count.ShouldBe(many.Count);
        manyStatuses.Values.ShouldAllBe(s => s == ConnectionStatus.Connected);
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine($"Steady sweep of {few.Count}: {fewCost}; of {many.Count}: {manyCost}");
        // Before batching a steady check read 7 times and committed once per tenant (280 reads, 40 commits for 40 tenants).
        // Reads: tenants, secrets, latest results, set-up runs, snapshots. SQLite still sends one statement per row
        // written (PostgreSQL batches them), but inside the batch's one transaction.
        manyCost.Reads.ShouldBeLessThanOrEqualTo(fewCost.Reads);
        manyCost.Reads.ShouldBeLessThanOrEqualTo(5);
        manyCost.Commits.ShouldBeLessThanOrEqualTo(fewCost.Commits);
        manyCost.Commits.ShouldBeLessThanOrEqualTo(1); // PostgreSQL sends the batch as one command, without a transaction of its own
        (await AuditCountAsync()).ShouldBe(auditsBefore);

        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        (await db.Set<CheckResult>().CountAsync(c => many.Contains(c.TenantId), Ct)).ShouldBe(many.Count * 4 * 2);
    }

    private async Task<IReadOnlyDictionary<int, ConnectionStatus>> SweepAsync(StatusSweeper sweeper, List<int> tenants)
    {
        _portal.Probe.ExpectTogether(tenants.Count);
        return await sweeper.SweepAsync(tenants, Ct);
    }

    private async Task<int> AuditCountAsync()
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().CountAsync(Ct);
    }

    private async Task<List<int>> AddTenantsAsync(string prefix, int count)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem, Ct);
        var now = DateTime.UtcNow;
        var tenants = Enumerable.Range(0, count).Select(i => new Tenant
        {
            DisplayName = $"{prefix} {i}", NormalizedName = $"{prefix} {i}".ToUpperInvariant(), UemConsoleUrl = $"https://{prefix}{i}.example/console",
            UemApiUrl = $"https://{prefix}{i}.example/api", UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = $"client-{prefix}-{i}",
            CreatedUtc = now, CreatedBy = "test", UpdatedUtc = now, UpdatedBy = "test",
        }).ToList();
        db.AddRange(tenants);
        await db.SaveChangesAsync(Ct);
        db.AddRange(tenants.Select(t => new TenantSecret { TenantId = t.Id, Kind = TenantSecretKind.UemClientSecret, ProtectedValue = "protected", Fingerprint = "sha256:000000000000", SecretSetUtc = now, SetBy = "test" }));
        await db.SaveChangesAsync(Ct);
        return tenants.Select(t => t.Id).ToList();
    }

    private sealed class CountingSweepPortal : PortalAppFactory
    {
        public CountingSweepPortal()
        {
            WithSetting("Status:SweepEnabled", "false");
            WithSetting("Status:MaxConcurrency", "64");
            WithSetting("Status:MaxConcurrencyPerHost", "64");
        }

        public TogetherProbe Probe { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddScoped<IConnectionProbe>(_ => Probe);
                services.ConfigureDbContext<PortalDbContext>(o => o.AddInterceptors(new CountingCommands(), new CountingCommits()));
            });
        }
    }

    /// <summary>Every layer passes; the probes of one sweep return together, once all of them have started.</summary>
    private sealed class TogetherProbe : IConnectionProbe
    {
        private TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _expected;
        private int _started;

        public void ExpectTogether(int count)
        {
            _allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _started = 0;
            _expected = count;
        }

        public async Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct)
        {
            var gate = _allStarted;
            if (Interlocked.Increment(ref _started) == _expected)
            {
                gate.TrySetResult();
            }

            await gate.Task.WaitAsync(ct);
            return ScriptedProbe.All(CheckOutcome.Passed);
        }
    }

    /// <summary>Reads (SELECT statements) and commits inside <see cref="MeasureAsync{T}"/> only (async-local, so background work does not count).</summary>
    private sealed record SweepCost(int Reads, int Commits)
    {
        private static readonly AsyncLocal<Tally?> Current = new();

        public static async Task<(T Result, SweepCost Cost)> MeasureAsync<T>(Func<Task<T>> sweep)
        {
            var tally = new Tally();
            Current.Value = tally;
            try
            {
                var result = await sweep();
                return (result, new SweepCost(tally.Reads, tally.Commits));
            }
            finally
            {
                Current.Value = null;
            }
        }

        public static void Command(DbCommand command)
        {
            if (Current.Value is { } tally && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref tally.Reads);
            }
        }

        public static void Commit()
        {
            if (Current.Value is { } tally)
            {
                Interlocked.Increment(ref tally.Commits);
            }
        }

        public override string ToString() => $"{Reads} reads, {Commits} commits";

        private sealed class Tally
        {
            public int Reads;
            public int Commits;
        }
    }

    private sealed class CountingCommands : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            SweepCost.Command(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            SweepCost.Command(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private sealed class CountingCommits : DbTransactionInterceptor
    {
        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            SweepCost.Commit();
            return base.TransactionCommittedAsync(transaction, eventData, cancellationToken);
        }
    }
}
