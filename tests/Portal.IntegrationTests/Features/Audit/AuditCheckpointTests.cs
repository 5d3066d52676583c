using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>
/// The chain compared with the signed checkpoints in the anchor file outside the database: a deleted tail, a wiped
/// table and an altered checkpoint are named; retention neither hides tampering nor causes a false "missing".
/// Each test has its own portal (SQLite, or PostgreSQL with PORTAL_TEST_DATABASE=Postgres) and attacks the database directly.
/// </summary>
public sealed class AuditCheckpointTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new PortalAppFactory()
        .WithSetting("Audit:CheckpointEvery", "5")
        .WithSetting("Audit:RetentionDays", "30");

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("checkpoint-writer", Roles.Admin);
        var sink = scope.ServiceProvider.GetRequiredService<IAuditSink>();
        for (var i = 0; i < 12; i++)
        {
            await sink.WriteAsync(new AuditEvent("test.checkpoint", AuditOutcome.Success, Details: new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }), Ct);
        }
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Append_EveryNthEntry_AppendsASignedCheckpointToTheFile()
    {
        var lines = await File.ReadAllLinesAsync(_portal.AnchorFilePath, Ct);

        var checkpoints = lines.Select(l => JsonSerializer.Deserialize<AuditCheckpoint>(l)!).ToList();
        checkpoints.ShouldNotBeEmpty();
        checkpoints.ShouldAllBe(c => c.EntryId % 5 == 0 && c.Signature.Length == 64);
        checkpoints.Select(c => c.EntryId).ShouldBeInOrder();
        (await VerifyAsync()).IsIntact.ShouldBeTrue();
    }

    [Fact]
    public async Task Verify_DeletedTail_NamesTheMissingEntriesSinceTheCheckpoint()
    {
        var checkpoint = (await Writer.CheckpointAsync("test", Ct))!;
        var head = checkpoint.EntryId;
        await ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Id\" > {head - 4}");

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(head - 3);
        result.Problem.ShouldBe(
            $"Entries {N(head - 3)}–{N(head)} are missing since the checkpoint at {checkpoint.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)} " +
            $"(entry {N(head)}, {N(checkpoint.Count)} entries then): deleted from the database.");
    }

    [Fact]
    public async Task Verify_WipedTable_NamesEveryEntrySinceTheStart()
    {
        var checkpoint = (await Writer.CheckpointAsync("test", Ct))!;
        await ExecuteSqlAsync("DELETE FROM \"AuditEntries\"");

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(1);
        result.Problem!.ShouldStartWith($"Entries 1–{N(checkpoint.EntryId)} are missing since the checkpoint at ");
    }

    [Fact]
    public async Task Verify_CheckpointLineEdited_ReportsTheFileAsAltered()
    {
        await Writer.CheckpointAsync("test", Ct);
        var lines = await File.ReadAllLinesAsync(_portal.AnchorFilePath, Ct);
        // An attacker moves the anchor back to hide the tail they are about to delete.
        var last = JsonSerializer.Deserialize<AuditCheckpoint>(lines[^1])!;
        lines[^1] = JsonSerializer.Serialize(last with { EntryId = 3 });
        await File.WriteAllLinesAsync(_portal.AnchorFilePath, lines, Ct);

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.Problem!.ShouldContain($"Line {lines.Length} of the checkpoint file");
        result.Problem!.ShouldContain("was altered");
    }

    [Fact]
    public async Task Prune_AfterACheckpoint_IsRecordedSoVerifyReportsNothingMissing()
    {
        var before = (await Writer.CheckpointAsync("test", Ct))!;

        var removed = await Retention(TimeSpan.FromDays(60)).PruneAsync(Ct);

        removed.ShouldBeGreaterThanOrEqualTo(12);
        var latest = (await Writer.ReadAsync(Ct)).Latest!;
        latest.Reason.ShouldBe(AuditCheckpointWriter.ReasonPruned);
        latest.PrunedThroughId.ShouldBeGreaterThanOrEqualTo(before.EntryId);
        var result = await VerifyAsync();
        result.IsIntact.ShouldBeTrue(result.Problem);
    }

    [Fact]
    public async Task Prune_PrunedAnchorRowDeletedAndTableWiped_IsStillReported()
    {
        await Retention(TimeSpan.FromDays(60)).PruneAsync(Ct);
        var latest = (await Writer.ReadAsync(Ct)).Latest!;
        await ExecuteSqlAsync("DELETE FROM \"AuditEntries\"; DELETE FROM \"AuditAnchors\"");

        var result = await VerifyAsync();

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(latest.PrunedThroughId + 1);
        result.Problem!.ShouldContain("missing since the checkpoint");
    }

    [Fact]
    public async Task Prune_TamperedSegment_IsKeptAndReported()
    {
        var target = await IdOfAsync(4);
        await ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Actor\" = 'covering-tracks' WHERE \"Id\" = {target}");

        var removed = await Retention(TimeSpan.FromDays(60)).PruneAsync(Ct);

        removed.ShouldBe(0);
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
        (await db.Set<AuditEntry>().AnyAsync(e => e.Id == target && e.Actor == "covering-tracks", Ct)).ShouldBeTrue();
        (await db.Set<AuditAnchor>().CountAsync(Ct)).ShouldBe(0);
        var refused = await db.Set<AuditEntry>().SingleAsync(e => e.Action == AuditActions.AuditPruneRefused, Ct);
        refused.Outcome.ShouldBe(AuditOutcome.Failure);
        refused.DetailsJson.ShouldContain($"\"firstBrokenId\":\"{target}\"");
        refused.DetailsJson.ShouldContain("edited");
    }

    [Fact]
    public async Task Startup_ChainKeyMissingWhileEntriesExist_IsRefusedWithWhatToRestore()
    {
        string expected;
        if (_portal.UsesPostgres)
        {
            await ExecuteSqlAsync("DELETE FROM \"AuditChainKeys\"");
            expected = "AuditChainKeys";
        }
        else
        {
            var keyFile = Path.Combine(_portal.DataFolder, "keys", "audit-chain.key");
            File.Exists(keyFile).ShouldBeTrue();
            File.Delete(keyFile);
            expected = keyFile;
        }

        var (exitCode, stderr) = await StartSecondPortalProcessAsync();

        exitCode.ShouldBe(1);
        stderr.ShouldContain("Connector Portal cannot start: The audit chain key is missing");
        stderr.ShouldContain(expected);
        stderr.ShouldContain("Restore");
        stderr.ShouldNotContain("   at "); // a sentence, not a stack trace
        if (!_portal.UsesPostgres)
        {
            File.Exists(Path.Combine(_portal.DataFolder, "keys", "audit-chain.key")).ShouldBeFalse(); // no silent new key
        }
    }

    private AuditCheckpointWriter Writer => _portal.Services.GetRequiredService<AuditCheckpointWriter>();

    private IDbContextFactory<PortalDbContext> DbFactory => _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private AuditRetentionService Retention(TimeSpan shift) => new(
        DbFactory,
        _portal.Services.GetRequiredService<AuditChain>(),
        _portal.Services.GetRequiredService<AuditAppender>(),
        _portal.Services.GetRequiredService<AuditVerifier>(),
        Writer,
        _portal.Services.GetRequiredService<Portal.Features.Cluster.BackgroundWorkLease>(),
        new ShiftedClock(shift),
        _portal.Services.GetRequiredService<IOptions<AuditOptions>>(),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditRetentionService>.Instance);

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var scope = _portal.Services.ScopeFor("verifier", Roles.Auditor);
        return await scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyChainAsync(Ct);
    }

    private async Task<long> IdOfAsync(int n)
    {
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
        var details = $"{{\"n\":\"{n}\"}}";
        return await db.Set<AuditEntry>().Where(e => e.Action == "test.checkpoint" && e.DetailsJson == details).Select(e => e.Id).SingleAsync(Ct);
    }

    /// <summary>Raw SQL straight at the database, as an attacker with database access would.</summary>
    private async Task ExecuteSqlAsync(string sql)
    {
        await using var db = await DbFactory.CreateDbContextAsync(Ct);
#pragma warning disable EF1002 // test-only SQL built from integers
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
#pragma warning restore EF1002
    }

    /// <summary>The real portal process on the same database and key ring, as an operator restarting it would.</summary>
    private async Task<(int ExitCode, string Stderr)> StartSecondPortalProcessAsync()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Database__Path"] = _portal.DatabasePath;
        start.Environment["DataProtection__KeysPath"] = Path.Combine(_portal.DataFolder, "keys");
        start.Environment["Serilog__WriteTo__1__Args__path"] = Path.Combine(_portal.DataFolder, "logs-second", "portal-.log");
        start.Environment["Audit__AnchorFile"] = Path.Combine(_portal.DataFolder, "logs-second", "audit-anchors.jsonl");
        start.Environment["Status__SweepEnabled"] = "false";
        if (_portal.UsesPostgres)
        {
            var (certificatePath, certificatePassword) = TestDatabases.DataProtectionCertificate;
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["Database__ConnectionString"] = _portal.PostgresConnectionString;
            start.Environment["DataProtection__CertificatePath"] = certificatePath;
            start.Environment["DataProtection__CertificatePassword"] = certificatePassword;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
