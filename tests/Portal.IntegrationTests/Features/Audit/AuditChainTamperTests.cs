using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>Each test gets its own portal and database, then tampers with the rows directly in the database.</summary>
public sealed class AuditChainTamperTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("tamper-writer", Roles.Admin);
        var sink = scope.ServiceProvider.GetRequiredService<IAuditSink>();
        for (var i = 0; i < 20; i++)
        {
            await sink.WriteAsync(new AuditEvent("test.tamper", AuditOutcome.Success, "tenant-1", new Dictionary<string, string?> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }), Ct);
        }
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Verify_UntouchedChain_IsIntact()
    {
        var result = await VerifyAsync();

        result.IsIntact.ShouldBeTrue();
        result.EntriesChecked.ShouldBeGreaterThanOrEqualTo(20);
        result.HeadHash.ShouldNotBeNull();
    }

    [Fact]
    public async Task Verify_EditedRow_ReportsThatRow()
    {
        var target = await IdOfAsync(5);
        await ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Actor\" = 'someone-else' WHERE \"Id\" = {target}");

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(target);
        result.Problem!.ShouldContain("edited");
    }

    [Fact]
    public async Task Verify_DeletedRow_ReportsTheGap()
    {
        var target = await IdOfAsync(7);
        await ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Id\" = {target}");

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(target + 1);
        result.Problem!.ShouldContain("missing");
    }

    [Fact]
    public async Task Verify_ReorderedRows_ReportsTheFirstSwappedRow()
    {
        var first = await IdOfAsync(10);
        var second = first + 1;
        // Swap the contents of two neighbouring rows while keeping the ids in sequence.
        await ExecuteSqlAsync($"""
            UPDATE "AuditEntries" SET "Id" = -1 WHERE "Id" = {first};
            UPDATE "AuditEntries" SET "Id" = {first} WHERE "Id" = {second};
            UPDATE "AuditEntries" SET "Id" = {second} WHERE "Id" = -1;
            """);

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(first);
    }

    [Fact]
    public async Task Append_FiftyConcurrentWriters_KeepTheChainLinearAndValid()
    {
        var writers = Enumerable.Range(0, 50).Select(async i =>
        {
            await using var scope = _portal.Services.ScopeFor($"writer-{i}", Roles.Helpdesk);
            await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteAsync(new AuditEvent("test.concurrent", AuditOutcome.Success), Ct);
        });

        await Task.WhenAll(writers);

        var result = await VerifyAsync();
        result.IsIntact.ShouldBeTrue();
        result.EntriesChecked.ShouldBeGreaterThanOrEqualTo(70);
    }

    [Fact]
    public async Task VerifyAsync_HelpdeskUser_IsRefused()
    {
        await using var scope = _portal.Services.ScopeFor("not-an-auditor", Roles.Helpdesk);

        await Should.ThrowAsync<PortalAccessDeniedException>(() => scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyAsync(Ct));
    }

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var scope = _portal.Services.ScopeFor("verifier", Roles.Auditor);
        return await scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyChainAsync(Ct);
    }

    private async Task<long> IdOfAsync(int n)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var details = $"{{\"n\":\"{n}\"}}";
        return await db.Set<AuditEntry>().Where(e => e.Action == "test.tamper" && e.DetailsJson == details).Select(e => e.Id).SingleAsync(Ct);
    }

    /// <summary>Raw SQL straight at the database, as an attacker with database access would (identifiers quoted for both providers).</summary>
    private async Task ExecuteSqlAsync(string sql)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
#pragma warning disable EF1002 // test-only SQL built from integers
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
#pragma warning restore EF1002
    }
}
