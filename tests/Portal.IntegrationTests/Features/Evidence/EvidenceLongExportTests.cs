using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Shared.LongWork;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Evidence;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Evidence;

/// <summary>The evidence pack's CSV as the page builds it: verifying, then writing rows, with progress and Cancel.</summary>
public sealed class EvidenceLongExportTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new();
    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("seeder", Roles.Admin);
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        var tenant = _tenantId.ToString(CultureInfo.InvariantCulture);
        await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteManyAsync(
            [.. Enumerable.Range(0, 600).Select(i => new AuditEvent("test.evidence", AuditOutcome.Success, tenant, new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }) { TenantName = "Demo Customer (simulator)" })], Ct);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Export_ReportsVerifyingThenWritingRows_EndingAtTheRowsWritten()
    {
        var reports = new List<WorkProgress>();
        await using var scope = _portal.Services.ScopeFor("ann", Roles.Auditor);
        using var output = new MemoryStream();
        var (from, to) = EvidencePeriod.Resolve(null, null, DateTime.UtcNow);

        await scope.ServiceProvider.GetRequiredService<EvidenceService>().ExportCsvAsync(_tenantId, from, to, output, new Synchronous(reports.Add), Ct);

        var rows = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        reports.Select(r => r.Phase).Distinct().ShouldBe(["Verifying the audit trail", "Writing rows"]);
        var writing = reports.Where(r => r.Phase == "Writing rows").ToList();
        writing.Select(r => r.Done).ShouldBeInOrder(SortDirection.Ascending);
        writing[^1].ShouldBe(new WorkProgress(rows, rows, "Writing rows"));
        rows.ShouldBeGreaterThan(600);
    }

    [Fact]
    public async Task Export_CancelledWhileVerifying_StopsAndIsNotAudited()
    {
        await using var scope = _portal.Services.ScopeFor("ann", Roles.Auditor);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new Synchronous(p =>
        {
            if (p.Done >= AuditVerifier.ReportEvery)
            {
                cancellation.Cancel();
            }
        });
        var (from, to) = EvidencePeriod.Resolve(null, null, DateTime.UtcNow);

        var work = scope.ServiceProvider.GetRequiredService<EvidenceService>().ExportCsvAsync(_tenantId, from, to, Stream.Null, progress, cancellation.Token);

        var cancelled = await Should.ThrowAsync<OperationCanceledException>(() => work);
        cancelled.ShouldNotBeNull();
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        (await db.Set<AuditEntry>().CountAsync(e => e.Action == "audit.evidence.exported", Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Export_ByHelpdesk_IsRefusedOnTheServer()
    {
        await using var scope = _portal.Services.ScopeFor("hal", Roles.Helpdesk);
        var (from, to) = EvidencePeriod.Resolve(null, null, DateTime.UtcNow);

        await Should.ThrowAsync<PortalAccessDeniedException>(() =>
            scope.ServiceProvider.GetRequiredService<EvidenceService>().ExportCsvAsync(_tenantId, from, to, Stream.Null, null, Ct));
    }

    private sealed class Synchronous(Action<WorkProgress> onReport) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => onReport(value);
    }
}
