using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Cluster;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Cluster;

/// <summary>
/// Two real portal instances (Kestrel on loopback) on one PostgreSQL database: what one writes, the other reads and
/// decrypts; audit appends from both keep one valid chain; board updates cross instances; the background-work lease
/// moves to the survivor when its holder is killed.
/// </summary>
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private const int LeaseSeconds = 4;

    private string? _database;
    private PortalAppFactory? _a;
    private PortalAppFactory? _b;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private PortalAppFactory A => _a!;

    private PortalAppFactory B => _b!;

    public async ValueTask InitializeAsync()
    {
        if (TestDatabases.PostgresAdminConnectionString is null)
        {
            return;
        }

        _database = TestDatabases.CreatePostgresDatabase();
        _a = Instance("instance-a");
        await _a.InitializeAsync();
        _b = Instance("instance-b");
        await _b.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_database is not null)
        {
            TestDatabases.DropPostgresDatabase(_database);
        }
    }

    private PortalAppFactory Instance(string name) => new PortalAppFactory(_database)
        .WithSetting("Cluster:InstanceName", name)
        .WithSetting("Cluster:LeaseSeconds", LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithSetting("Status:SweepEnabled", "false");

    private static void RequirePostgres() => Assert.SkipWhen(TestDatabases.PostgresAdminConnectionString is null, TestDatabases.NoPostgres);

    [Fact]
    public async Task TenantSavedOnA_IsReadOnB_AndItsSecretDecryptsOnB()
    {
        RequirePostgres();
        var secret = "shared-secret-" + Guid.NewGuid().ToString("N");
        int id;
        await using (var onA = A.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            var na = (await onA.ServiceProvider.GetRequiredService<RegionService>().ListAsync(RegionProduct.Uem, Ct)).Single(r => r.Code == "na");
            var saved = await onA.ServiceProvider.GetRequiredService<TenantService>().CreateAsync(new TenantEditModel
            {
                DisplayName = "Saved On A",
                UemRegionId = na.Id,
                UemTokenUrl = na.TokenUrl!,
                UemConsoleUrl = "https://cn135.awmdm.com",
                UemApiUrl = "https://as135.awmdm.com",
                OAuthClientId = "client-on-a",
                NewUemClientSecret = secret,
                NewUemApiKey = "ApiKeyOnA0123456789",
            }, Ct);
            saved.Status.ShouldBe(TenantSaveStatus.Saved, saved.Message);
            id = saved.Id!.Value;
        }

        await using var onB = B.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin);
        var details = await onB.ServiceProvider.GetRequiredService<TenantService>().GetAsync(id, Ct);
        details.ShouldNotBeNull();
        details.Model.DisplayName.ShouldBe("Saved On A");
        var credentials = await onB.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForApiCallAsync(id, "multi-instance test", Ct);
        credentials.ShouldNotBeNull();
        credentials.SecretsReadable.ShouldBeTrue();
        credentials.UemClientSecret!.Reveal().ShouldBe(secret); // B decrypts with the key ring A created, from the database
        credentials.UemApiKey!.Reveal().ShouldBe("ApiKeyOnA0123456789");
    }

    [Fact]
    public async Task ConcurrentAuditAppendsFromBothInstances_KeepOneValidChain()
    {
        RequirePostgres();
        const int perInstance = 60;
        var writes = new[] { A, B }.SelectMany(portal => Enumerable.Range(0, perInstance).Select(async i =>
        {
            await using var scope = portal.Services.ScopeFor($"writer-{i}", Roles.Helpdesk);
            await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteAsync(new AuditEvent("test.multi-instance", AuditOutcome.Success), Ct);
        }));

        await Task.WhenAll(writes);

        await using var db = await A.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        (await db.Set<AuditEntry>().CountAsync(e => e.Action == "test.multi-instance", Ct)).ShouldBe(2 * perInstance);
        var ids = await db.Set<AuditEntry>().OrderBy(e => e.Id).Select(e => e.Id).ToListAsync(Ct);
        ids.ShouldBe(Enumerable.Range((int)ids[0], ids.Count).Select(i => (long)i).ToList()); // no gap, no fork
        foreach (var portal in new[] { A, B })
        {
            await using var scope = portal.Services.ScopeFor("verifier", Roles.Auditor);
            var verification = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyChainAsync(Ct);
            verification.IsIntact.ShouldBeTrue(verification.Problem);
            verification.EntriesChecked.ShouldBe(ids.Count);
        }
    }

    [Fact]
    public async Task StatusChangeOnA_ReachesOpenBoardsOnB()
    {
        RequirePostgres();
        await B.Services.GetRequiredService<PostgresClusterBus>().Listening.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var received = new TaskCompletionSource<IReadOnlyCollection<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var onB = B.Services.GetRequiredService<StatusBroadcaster>();
        Task Handler(IReadOnlyCollection<int> ids)
        {
            if (ids.Contains(424242))
            {
                received.TrySetResult(ids);
            }

            return Task.CompletedTask;
        }

        onB.Updated += Handler;
        try
        {
            await A.Services.GetRequiredService<StatusBroadcaster>().PublishAsync([424242, 7]);

            var ids = await received.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            ids.ShouldBe([424242, 7], ignoreOrder: true);
        }
        finally
        {
            onB.Updated -= Handler;
        }
    }

    [Fact]
    public async Task RegionEditedOnA_IsSeenOnB_WithoutWaitingForTheCache()
    {
        RequirePostgres();
        await B.Services.GetRequiredService<PostgresClusterBus>().Listening.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var cacheOnB = B.Services.GetRequiredService<RegionCache>();
        var loads = 0;
        Task<List<Region>> Load(CancellationToken _)
        {
            Interlocked.Increment(ref loads);
            return Task.FromResult(new List<Region>());
        }

        await cacheOnB.GetAsync(Load, Ct); // B now holds a copy
        await cacheOnB.GetAsync(Load, Ct);
        loads.ShouldBe(1);

        await A.Services.GetRequiredService<RegionCache>().InvalidateEverywhereAsync(Ct);

        var deadline = Stopwatch.StartNew();
        while (loads == 1 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await cacheOnB.GetAsync(Load, Ct);
            if (loads == 1)
            {
                await Task.Delay(50, Ct);
            }
        }

        loads.ShouldBe(2); // B dropped its copy on A's message, long before the 5-minute refresh
    }

    [Fact]
    public async Task OnlyOneInstanceHoldsTheBackgroundWorkLease()
    {
        RequirePostgres();
        var a = A.Services.GetRequiredService<BackgroundWorkLease>();
        var b = B.Services.GetRequiredService<BackgroundWorkLease>();
        await Task.WhenAll(a.FirstAttempt, b.FirstAttempt);

        // Sampled after each of A's and B's attempts across a whole lease period: renewals never overlap or lapse.
        var until = (A: a.Attempts + BackgroundWorkLease.AttemptsInOnePeriod + 1, B: b.Attempts + BackgroundWorkLease.AttemptsInOnePeriod + 1);
        while (a.Attempts < until.A || b.Attempts < until.B)
        {
            var seen = (A: a.Attempts, B: b.Attempts);
            await WaitForAsync(() => Task.FromResult(a.Attempts > seen.A || b.Attempts > seen.B), TimeSpan.FromSeconds(3 * LeaseSeconds), "no lease attempt was made");
            (a.IsHeld ^ b.IsHeld).ShouldBeTrue($"exactly one holder (A: {a.IsHeld}, B: {b.IsHeld})");
        }

        (await HolderAsync(_database!)).ShouldBe(a.IsHeld ? "instance-a" : "instance-b");
    }

    [Fact]
    public async Task KilledLeaseHolder_IsReplacedWithinOneLeasePeriod()
    {
        RequirePostgres();
        // A third instance in its own process, so it can really be killed (no graceful hand-over).
        var database = TestDatabases.CreatePostgresDatabase();
        PortalAppFactory? survivor = null;
        using var holder = StartPortalProcess(database, "doomed-holder");
        try
        {
            await WaitForAsync(async () => await HolderAsync(database) == "doomed-holder", TimeSpan.FromSeconds(90), "the process never took the lease");

            survivor = new PortalAppFactory(database)
                .WithSetting("Cluster:InstanceName", "survivor")
                .WithSetting("Cluster:LeaseSeconds", LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithSetting("Status:SweepEnabled", "false");
            await survivor.InitializeAsync();
            var lease = survivor.Services.GetRequiredService<BackgroundWorkLease>();
            await lease.FirstAttempt.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var contended = lease.Attempts + BackgroundWorkLease.AttemptsInOnePeriod + 1;
            await WaitForAsync(() => Task.FromResult(lease.Attempts >= contended), TimeSpan.FromSeconds(3 * LeaseSeconds), "the survivor stopped trying");
            (await HolderAsync(database)).ShouldBe("doomed-holder"); // a healthy holder keeps it across a whole period of the survivor's attempts
            lease.IsHeld.ShouldBeFalse();

            holder.Kill(entireProcessTree: true);
            var killedAt = Stopwatch.StartNew();
            await holder.WaitForExitAsync(Ct);
            await WaitForAsync(async () => await HolderAsync(database) == "survivor", TimeSpan.FromSeconds(3 * LeaseSeconds), "the survivor never took over");
            var takeover = killedAt.Elapsed;
            Xunit.TestContext.Current.TestOutputHelper?.WriteLine($"Lease taken over {takeover.TotalSeconds:0.00} s after the holder was killed (lease period {LeaseSeconds} s).");

            takeover.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(LeaseSeconds), $"took over after {takeover.TotalSeconds:0.0} s");
            lease.IsHeld.ShouldBeTrue();
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }

            if (survivor is not null)
            {
                await survivor.DisposeAsync();
            }

            TestDatabases.DropPostgresDatabase(database);
        }
    }

    [Fact]
    public async Task Postgres_WithoutCertificate_RefusesToStartWithReadableMessage()
    {
        RequirePostgres();
        var start = PortalProcessStart(_database!, "no-certificate");
        start.Environment.Remove("DataProtection__CertificatePath");

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldBe(1);
        var message = await stderr;
        message.ShouldContain("DataProtection:CertificatePath is required");
        message.ShouldNotContain("   at ");
    }

    private static Process StartPortalProcess(string database, string instanceName)
    {
        var process = Process.Start(PortalProcessStart(database, instanceName))!;
        // Drain both pipes so a chatty process never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo PortalProcessStart(string database, string instanceName)
    {
        var (certificatePath, certificatePassword) = TestDatabases.DataProtectionCertificate;
        var folder = Directory.CreateTempSubdirectory("portal-it-proc-").FullName;
        var port = PortalAppFactory.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Demo__Enabled"] = "true";
        start.Environment["Database__Provider"] = "Postgres";
        start.Environment["Database__ConnectionString"] = database;
        start.Environment["DataProtection__CertificatePath"] = certificatePath;
        start.Environment["DataProtection__CertificatePassword"] = certificatePassword;
        start.Environment["DataProtection__KeysPath"] = Path.Combine(folder, "keys");
        start.Environment["Bootstrap__AdminPassword"] = PortalAppFactory.AdminPassword;
        start.Environment["Cluster__InstanceName"] = instanceName;
        start.Environment["Cluster__LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Status__SweepEnabled"] = "false";
        start.Environment["Serilog__WriteTo__1__Args__path"] = Path.Combine(folder, "logs", "portal-.log");
        start.Environment["Audit__AnchorFile"] = Path.Combine(folder, "logs", "audit-anchors.jsonl");
        return start;
    }

    private static async Task<string?> HolderAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT \"Holder\" FROM \"Leases\" WHERE \"Name\" = @name AND \"ExpiresUtc\" > now()", connection);
        command.Parameters.AddWithValue("name", BackgroundWorkLease.LeaseName);
        try
        {
            return (string?)await command.ExecuteScalarAsync(Ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // not migrated yet
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            clock.Elapsed.ShouldBeLessThan(limit, failure);
            await Task.Delay(100, Ct);
        }
    }
}
