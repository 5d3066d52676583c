using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Shared.LongWork;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>Verify integrity as long work: progress (entries checked of the total) and cancel, on a seeded trail.</summary>
public sealed class AuditVerifyProgressTests : IAsyncLifetime
{
    private const int Seeded = 1000;
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("seeder", Roles.Admin);
        var events = Enumerable.Range(0, Seeded)
            .Select(i => new AuditEvent("test.progress", AuditOutcome.Success, "tenant-1", new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }))
            .ToList();
        await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteManyAsync(events, Ct);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Verify_ReportsMonotonicProgress_EndingAtTheTotal()
    {
        var reports = new List<WorkProgress>();
        await using var scope = _portal.Services.ScopeFor("verifier", Roles.Auditor);

        var result = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyAsync(new Synchronous(reports.Add), Ct);

        result.IsIntact.ShouldBeTrue();
        reports.Count.ShouldBeGreaterThan(2); // start, at least one on the way, the end
        reports[0].Done.ShouldBe(0);
        reports.Select(r => r.Done).ShouldBeInOrder(SortDirection.Ascending);
        reports.ShouldAllBe(r => r.Total == result.EntriesChecked);
        reports[^1].Done.ShouldBe(result.EntriesChecked);
        result.EntriesChecked.ShouldBeGreaterThanOrEqualTo(Seeded);
    }

    [Fact]
    public async Task Verify_CancelledFromTheProgressCallback_StopsThere_SaysSo_AndChangesNothing()
    {
        var before = await AuditRowsAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelAt = AuditVerifier.ReportEvery * 2;
        var reports = new List<WorkProgress>();
        await using var scope = _portal.Services.ScopeFor("verifier", Roles.Auditor);
        var progress = new Synchronous(p =>
        {
            reports.Add(p);
            if (p.Done >= cancelAt)
            {
                cancellation.Cancel();
            }
        });

        var cancelled = await CancelledAsync(scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyAsync(progress, cancellation.Token));

        var total = reports[0].Total!.Value;
        cancelled.Reached.ShouldBe(new WorkProgress(cancelAt, total));
        cancelled.Message.ShouldBe($"Verification cancelled after {cancelAt:N0} of {total.ToString("N0", CultureInfo.InvariantCulture)} entries; nothing was changed.");
        reports[^1].Done.ShouldBe(cancelAt); // no entry was checked (or reported) after the cancel
        (await AuditRowsAsync()).ShouldBe(before); // not even an "audit.verified" entry
    }

    [Fact]
    public async Task Verify_AlreadyCancelledToken_ChecksNothing()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await using var scope = _portal.Services.ScopeFor("verifier", Roles.Auditor);

        await Should.ThrowAsync<OperationCanceledException>(() =>
            scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyAsync(new Synchronous(_ => { }), cancellation.Token));
    }

    /// <summary>The exception the awaiting page sees (Shouldly would report a cancelled task as a plain TaskCanceledException).</summary>
    private static async Task<WorkCancelledException> CancelledAsync(Task work)
    {
        try
        {
            await work;
        }
        catch (WorkCancelledException cancelled)
        {
            return cancelled;
        }

        throw new ShouldAssertException("The verification was expected to be cancelled, but it completed.");
    }

    private async Task<long> AuditRowsAsync()
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<AuditEntry>().LongCountAsync(Ct);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class Synchronous(Action<WorkProgress> onReport) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => onReport(value);
    }
}
