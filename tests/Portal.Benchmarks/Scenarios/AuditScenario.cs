using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// The audit trail at scale: 10,000,000 chained rows (20,000 with --quick) in SQLite or PostgreSQL. Query pages at the top, deep in the table
/// and filtered; export everything as CSV; 50 concurrent writers; verify the whole chain.
/// </summary>
public sealed class AuditScenario : IScenario
{
    private const int Tenants = 1000;

    public string Name => "audit";

    public bool SupportsPostgres => true;

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        await using var portal = new BenchPortal(settings.WorkFolder, settings.PostgresAdmin);
        _ = portal.Services; // start the host: migrations, first admin
        var rows = settings.AuditRows;
        var seedWatch = Stopwatch.StartNew();
        var start = new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var firstSeededId = await SeedAsync(portal, rows, start, cancellationToken);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        var results = new List<BenchmarkResult>();
        var n = rows.ToString("N0", CultureInfo.InvariantCulture);

        await using (var scope = portal.ScopeFor("bench-auditor", Roles.Auditor))
        {
            var query = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
            var pageSize = scope.ServiceProvider.GetRequiredService<IOptions<AuditOptions>>().Value.PageSize;
            var reps = settings.Repetitions;

            // Every measurement checks what it read: a query that matches nothing is fast and proves nothing.
            Task PageAsync(string what, AuditFilter filter, long? olderThanId, int expectedRows) => RequirePageAsync(query, what, filter, olderThanId, expectedRows, cancellationToken);

            // Each sample is timed with what the process did meanwhile (GC, reads, EF Core compiles, JIT, CPU): the slow ones
            // are printed with their cause, not guessed at.
            using var probe = new SampleProbe();
            async Task<List<double>> ProfiledAsync(string title, string prefix, Func<Task> page)
            {
                var samples = await probe.RepeatAsync(reps, page);
                settings.Details.Add(SampleReport.Table(title, samples));
                SampleReport.Report(settings, prefix, samples);
                return [.. samples.Select(s => s.Ms)];
            }

            await PageAsync("first page (warm-up)", AuditFilter.None, null, pageSize);
            results.Add(new("Audit query: first page", n, await ProfiledAsync("Audit query: first page", "audit-first", () => PageAsync("first page", AuditFilter.None, null, pageSize)), null,
                $"seeded in {seedSeconds:0.0} s; {pageSize} rows on page"));
            var deepCursor = firstSeededId + (long)(rows * 0.1); // after 90 % of the rows, newest first
            var deep = new BenchmarkResult("Audit query: deep page (after 90 %)", n, await ProfiledAsync("Audit query: deep page (after 90 %)", "audit-deep", () => PageAsync("deep page", AuditFilter.None, deepCursor, pageSize)), null,
                $"keyset, no OFFSET; {pageSize} rows on page");
            results.Add(deep);
            settings.Report("audit-deep-p95-ms", deep.P95, "0.000"); // over every sample, the cold first one included: the goal's figure
            settings.Report("audit-rows", rows, "0");
            settings.Report("audit-seed-s", seedSeconds, "0.0");

            var tenantMonth = new AuditFilter { TenantId = TenantKey(42), FromUtc = start.AddMonths(6), ToUtc = start.AddMonths(7) };
            var tenantMonthRows = SeededRowsMatching(rows, start, i => TenantOf(i) == 42 && SeededTimestamp(start, rows, i) >= tenantMonth.FromUtc && SeededTimestamp(start, rows, i) < tenantMonth.ToUtc);
            var tenantMonthPage = Math.Min(pageSize, tenantMonthRows);
            RequireRows("one tenant, one month: seeded rows matching", tenantMonthRows, 1);
            results.Add(new("Audit query: one tenant, one month", n, await ProfiledAsync("Audit query: one tenant, one month", "audit-tenant-month", () => PageAsync("one tenant, one month", tenantMonth, null, tenantMonthPage)), null,
                string.Create(CultureInfo.InvariantCulture, $"{tenantMonthPage} rows on page ({tenantMonthRows:N0} match)")));
            settings.Report("audit-tenant-month-page-rows", tenantMonthPage, "0");
            if (!probe.SeesEfCore)
            {
                throw new InvalidOperationException("Audit benchmark: EF Core's meter (Microsoft.EntityFrameworkCore) was never observed, so the per-sample compile counts would mean nothing.");
            }

            // Export memory must stay flat: the peak managed heap above its level before the export, for all rows and for the
            // newest tenth (the same query shape with a time filter). Allocation per row is reported alongside. Both through
            // the product's export (the endpoint's and the page's ExportCsvAsync), with every written line counted.
            long allRows;
            await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken))
            {
                allRows = await db.Set<AuditEntry>().LongCountAsync(cancellationToken);
            }

            // Each long step signs in afresh: the portal revalidates a signed-in user every Auth:RevalidationIntervalSeconds
            // against the user store, where the bench's users do not exist, so a sign-in older than that is signed out.
            async Task<T> AsAuditorAsync<T>(Func<AuditQueryService, Task<T>> work)
            {
                await using var fresh = portal.ScopeFor("bench-auditor", Roles.Auditor);
                return await work(fresh.ServiceProvider.GetRequiredService<AuditQueryService>());
            }

            var all = await AsAuditorAsync(q => MeasureExportAsync(q, AuditFilter.None, cancellationToken));
            RequireRows("CSV export of all rows", all.Rows, allRows, allRows);
            var tenthFilter = new AuditFilter { FromUtc = start.AddDays(365 * 0.9) };
            var tenthRows = SeededRowsMatching(rows, start, i => SeededTimestamp(start, rows, i) >= tenthFilter.FromUtc);
            var tenth = await AsAuditorAsync(q => MeasureExportAsync(q, tenthFilter, cancellationToken));
            RequireRows("CSV export of the newest tenth", tenth.Rows, tenthRows, tenthRows + 10); // + the bench's own audit entries since
            results.Add(new("Audit CSV export: all rows", n, [all.Ms], all.HeapGrowthMb,
                string.Create(CultureInfo.InvariantCulture, $"{all.Rows:N0} rows; peak managed heap +{all.HeapGrowthMb:0.0} MB, live after collections +{all.LiveGrowthMb:0.0} MB over {all.Collections} gen0 GCs (newest tenth, {tenth.Rows:N0} rows: +{tenth.HeapGrowthMb:0.0} MB, live +{tenth.LiveGrowthMb:0.0} MB over {tenth.Collections} GCs, in {tenth.Ms / 1000:0.0} s); {all.AllocatedPerRow:0} B allocated per row")));
            settings.Report("audit-export-rows", all.Rows, "0");
            settings.Report("audit-export-s", all.Ms / 1000, "0.00");
            settings.Report("audit-export-heap-growth-mb", all.HeapGrowthMb, "0.0");
            settings.Report("audit-export-tenth-rows", tenth.Rows, "0");
            settings.Report("audit-export-tenth-s", tenth.Ms / 1000, "0.00");
            settings.Report("audit-export-tenth-heap-growth-mb", tenth.HeapGrowthMb, "0.0");
            settings.Report("audit-export-live-heap-growth-mb", all.LiveGrowthMb, "0.0");
            settings.Report("audit-export-tenth-live-heap-growth-mb", tenth.LiveGrowthMb, "0.0");
            settings.Report("audit-export-allocated-bytes-per-row", all.AllocatedPerRow, "0");

            var verifyWatch = Stopwatch.StartNew();
            var verification = await AsAuditorAsync(q => q.VerifyChainAsync(cancellationToken));
            RequireRows("chain verification", verification.EntriesChecked, allRows);
            results.Add(new("Audit verify: whole chain", n, [verifyWatch.Elapsed.TotalMilliseconds], null, verification.IsIntact ? $"intact, {verification.EntriesChecked:N0} entries" : $"BROKEN at {verification.FirstBrokenId}"));
        }

        var writers = 50;
        var perWriter = settings.Quick ? 4 : 20;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var busyErrors = 0;
        var appendWatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            await using var scope = portal.ScopeFor($"bench-writer-{w}", Roles.Helpdesk);
            var sink = scope.ServiceProvider.GetRequiredService<IAuditSink>();
            for (var i = 0; i < perWriter; i++)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    await sink.WriteAsync(new AuditEvent("bench.append", AuditOutcome.Success, "tenant-0001"), cancellationToken);
                }
                catch (Exception ex) when (ex is SqliteException { SqliteErrorCode: 5 or 6 } || BenchPostgres.IsBusy(ex)) // SQLITE_BUSY/LOCKED or PostgreSQL's equivalents
                {
                    Interlocked.Increment(ref busyErrors);
                }

                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        }));
        var appendSeconds = appendWatch.Elapsed.TotalSeconds;
        results.Add(new("Audit append: 50 concurrent writers", (writers * perWriter).ToString(CultureInfo.InvariantCulture), [.. latencies], null,
            string.Create(CultureInfo.InvariantCulture, $"{busyErrors} busy errors, {writers * perWriter / appendSeconds:0} appends/s ({appendSeconds * 1000:0} ms in all)")));

        await using (var scope = portal.ScopeFor("bench-auditor", Roles.Auditor))
        {
            var after = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().VerifyChainAsync(cancellationToken);
            if (!after.IsIntact)
            {
                throw new InvalidOperationException($"Chain broken after concurrent appends at {after.FirstBrokenId}: {after.Problem}");
            }
        }

        return results;
    }

    /// <summary>
    /// One CSV export through the product's <see cref="AuditQueryService.ExportCsvAsync(AuditFilter, Stream, CancellationToken)"/>
    /// into a stream that keeps nothing and counts the lines: its time, the data rows written, the peak managed heap above
    /// the level before it (sampled every 20 ms and at the end, without forcing collections meanwhile), the bytes
    /// allocated per exported row, and the peak of what survived the collections that ran meanwhile (and how many ran).
    /// </summary>
    private static async Task<(double Ms, long Rows, double HeapGrowthMb, double AllocatedPerRow, double LiveGrowthMb, int Collections)> MeasureExportAsync(
        AuditQueryService query, AuditFilter filter, CancellationToken cancellationToken)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var peak = heapBefore;
        var liveBefore = LiveAfterLastCollection();
        var livePeak = liveBefore;
        var collectionsBefore = GC.CollectionCount(0);
        var output = new LineCountingStream();
        var watch = Stopwatch.StartNew();
        using (new Timer(_ =>
               {
                   InterlockedMax(ref peak, GC.GetTotalMemory(forceFullCollection: false));
                   InterlockedMax(ref livePeak, LiveAfterLastCollection());
               }, null, 0, 20))
        {
            await query.ExportCsvAsync(filter, output, cancellationToken);
        }

        var ms = watch.Elapsed.TotalMilliseconds;
        InterlockedMax(ref peak, GC.GetTotalMemory(forceFullCollection: false));
        InterlockedMax(ref livePeak, LiveAfterLastCollection());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var rows = output.Lines - 1; // less the header; the seeded values hold no line breaks
        return (ms, rows, Mb(Interlocked.Read(ref peak) - heapBefore), allocated / (double)Math.Max(rows, 1),
            Mb(Interlocked.Read(ref livePeak) - liveBefore), GC.CollectionCount(0) - collectionsBefore);
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    /// <summary>
    /// What survived the newest collection (its generations' sizes less their fragmentation): unlike the heap size, which
    /// also holds garbage not yet collected (up to the gen0 budget), this grows only with what the export keeps.
    /// </summary>
    private static long LiveAfterLastCollection()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        long live = 0;
        foreach (var generation in info.GenerationInfo)
        {
            live += generation.SizeAfterBytes - generation.FragmentationAfterBytes;
        }

        return live;
    }

    private static async Task RequirePageAsync(AuditQueryService query, string what, AuditFilter filter, long? olderThanId, int expectedRows, CancellationToken cancellationToken)
    {
        var page = await query.QueryAsync(filter, olderThanId, cancellationToken: cancellationToken);
        RequireRows(what, page.Entries.Count, expectedRows, expectedRows);
    }

    /// <summary>Throws unless a measurement read at least <paramref name="expected"/> rows (and no more than <paramref name="atMost"/>), and never none.</summary>
    private static void RequireRows(string what, long actual, long expected, long atMost = long.MaxValue)
    {
        if (actual <= 0 || actual < expected || actual > atMost)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Audit benchmark, {what}: {actual:N0} rows where {(atMost == expected ? $"{expected:N0}" : atMost == long.MaxValue ? $"at least {expected:N0}" : $"{expected:N0} to {atMost:N0}")} were expected; it would measure nothing (or the wrong thing)."));
        }
    }

    /// <summary>The seeded rows (1..<paramref name="rows"/>) a filter should match, counted from the seed's own formulas.</summary>
    private static int SeededRowsMatching(int rows, DateTime start, Func<int, bool> matches)
    {
        var count = 0;
        for (var i = 1; i <= rows; i++)
        {
            if (matches(i))
            {
                count++;
            }
        }

        return count;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// Bulk insert computing the real chain hashes with the portal's own <see cref="AuditChain"/> (whose key lives in a file on
    /// SQLite and, protected by Data Protection, in "AuditChainKeys" on PostgreSQL). SQLite: one transaction, prepared
    /// 100-row INSERTs, secondary indexes built once at the end; PostgreSQL: one binary COPY, streamed as the hashes are computed.
    /// </summary>
    /// <returns>The id of the first seeded row.</returns>
    internal static async Task<long> SeedAsync(BenchPortal portal, int rows, DateTime start, CancellationToken cancellationToken)
    {
        var chain = portal.Services.GetRequiredService<AuditChain>();
        if (portal.UsesPostgres)
        {
            return await SeedPostgresAsync(portal, chain, rows, start, cancellationToken);
        }

        await using var connection = new SqliteConnection($"Data Source={portal.DatabasePath}");
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA cache_size = -262144;", cancellationToken); // 256 MB for this connection's bulk load

        // Bulk load as databases are loaded: the secondary indexes are dropped and then built once from sorted data (far
        // quicker than 10 million scattered inserts into four B-trees), re-created from their own stored SQL.
        // One write transaction (BEGIN IMMEDIATE) from reading the chain head to the last row: the portal's own appends
        // wait meanwhile, so none can fork the chain.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var indexes = new List<(string Name, string Sql)>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AuditEntries' AND sql IS NOT NULL";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\";", cancellationToken, transaction);
        }

        var (lastId, previousHash) = await HeadAsync(connection, transaction, cancellationToken);
        await using var batchInsert = PrepareInsert(connection, transaction, SeedRowsPerStatement);
        await using var singleInsert = PrepareInsert(connection, transaction, 1);
        var pending = new List<AuditEntry>(SeedRowsPerStatement);
        foreach (var entry in Entries(chain, rows, start, lastId, previousHash))
        {
            pending.Add(entry);
            if (pending.Count == SeedRowsPerStatement)
            {
                await InsertAsync(batchInsert, pending, cancellationToken);
                pending.Clear();
            }
        }

        foreach (var entry in pending)
        {
            await InsertAsync(singleInsert, [entry], cancellationToken);
        }

        foreach (var (_, createIndex) in indexes)
        {
            await ExecuteAsync(connection, createIndex, cancellationToken, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        await ExecuteAsync(connection, "ANALYZE;", cancellationToken);
        return lastId + 1;
    }

    private const int SeedRowsPerStatement = 100;

    private static readonly string[] AuditColumns = ["Id", "TimestampUtc", "Actor", "ActorRoles", "SourceIp", "TenantId", "TenantName", "Action", "Outcome", "DetailsJson", "CorrelationId", "PreviousHash", "Hash"];

    /// <summary>A prepared multi-row INSERT of <paramref name="rowCount"/> rows (parameters $p{row}_{column}).</summary>
    private static SqliteCommand PrepareInsert(SqliteConnection connection, SqliteTransaction transaction, int rowCount)
    {
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        var values = Enumerable.Range(0, rowCount).Select(r => "(" + string.Join(", ", AuditColumns.Select((_, c) => $"$p{r}_{c}")) + ")");
        insert.CommandText = $"INSERT INTO AuditEntries ({string.Join(", ", AuditColumns)}) VALUES {string.Join(", ", values)}";
        for (var r = 0; r < rowCount; r++)
        {
            for (var c = 0; c < AuditColumns.Length; c++)
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = $"$p{r}_{c}" });
            }
        }

        return insert;
    }

    private static async Task InsertAsync(SqliteCommand insert, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        for (var r = 0; r < entries.Count; r++)
        {
            var entry = entries[r];
            object?[] values = [entry.Id, entry.TimestampUtc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture), entry.Actor, entry.ActorRoles, entry.SourceIp, entry.TenantId, entry.TenantName, entry.Action, entry.Outcome.ToString(), entry.DetailsJson, entry.CorrelationId, entry.PreviousHash, entry.Hash];
            for (var c = 0; c < values.Length; c++)
            {
                insert.Parameters[(r * AuditColumns.Length) + c].Value = values[c] ?? DBNull.Value;
            }
        }

        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0; // building an index over 10 million rows takes a while
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> SeedPostgresAsync(BenchPortal portal, AuditChain chain, int rows, DateTime start, CancellationToken cancellationToken)
    {
        await using var connection = await BenchPostgres.OpenAsync(portal, cancellationToken);
        long lastId;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // The portal's own appends take this advisory lock before reading the head: none can fork the chain meanwhile.
            await using (var lockHead = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
            {
                lockHead.Parameters.AddWithValue("key", DatabaseLocks.AuditChainHead);
                await lockHead.ExecuteNonQueryAsync(cancellationToken);
            }

            string previousHash;
            await using (var head = new NpgsqlCommand("SELECT \"Id\", \"Hash\" FROM \"AuditEntries\" ORDER BY \"Id\" DESC LIMIT 1", connection, transaction))
            await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
            {
                (lastId, previousHash) = await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.GenesisHash);
            }

            await using (var writer = await BenchPostgres.BeginAuditImportAsync(connection, cancellationToken))
            {
                foreach (var entry in Entries(chain, rows, start, lastId, previousHash))
                {
                    await BenchPostgres.WriteAuditEntryAsync(writer, entry, cancellationToken);
                }

                await writer.CompleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await BenchPostgres.VacuumAnalyzeAsync(connection, cancellationToken, "AuditEntries");
        return lastId + 1;
    }

    /// <summary>The seeded entries after the chain head (<paramref name="lastId"/>, <paramref name="previousHash"/>), hashed as the appender does.</summary>
    private static IEnumerable<AuditEntry> Entries(AuditChain chain, int rows, DateTime start, long lastId, string previousHash)
    {
        string[] actions = ["tenant.updated", "wizard.step.verified", "status.check.failed", "auth.sign-in.succeeded", "tenant.secret.replaced"];
        for (var i = 1; i <= rows; i++)
        {
            var entry = new AuditEntry
            {
                Id = lastId + i,
                TimestampUtc = SeededTimestamp(start, rows, i),
                Actor = $"user{i % 50:00}",
                ActorRoles = "Helpdesk",
                SourceIp = "10.0.0.1",
                TenantId = TenantKey(TenantOf(i)),
                TenantName = $"Customer {TenantOf(i):0000}",
                Action = actions[i % actions.Length],
                Outcome = i % 17 == 0 ? AuditOutcome.Failure : AuditOutcome.Success,
                DetailsJson = "{\"field\":\"Notes\",\"new\":\"updated\",\"old\":\"x\"}",
                CorrelationId = i.ToString("x16", CultureInfo.InvariantCulture),
                PreviousHash = previousHash,
            };
            entry.Hash = chain.ComputeHash(previousHash, entry);
            previousHash = entry.Hash;
            yield return entry;
        }
    }

    /// <summary>Seeded row <paramref name="i"/>'s time: the rows spread evenly over a year from <paramref name="start"/>.</summary>
    private static DateTime SeededTimestamp(DateTime start, int rows, int i) =>
        // Whole microseconds, as the appender and the UTC converter store them: PostgreSQL keeps no finer precision.
        UtcDateTimeConverter.TruncateToMicroseconds(start.AddTicks(TimeSpan.FromDays(365).Ticks / Math.Max(rows, 1) * i));

    /// <summary>Seeded row <paramref name="i"/>'s tenant, 1 to <see cref="Tenants"/>.</summary>
    private static int TenantOf(int i) => (i % Tenants) + 1;

    /// <summary>A tenant as the product's audit entries name it: its integer key, formatted invariantly (see <see cref="AuditEvent"/>).</summary>
    private static string TenantKey(int tenantId) => tenantId.ToString(CultureInfo.InvariantCulture);

    private static async Task<(long LastId, string Hash)> HeadAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT Id, Hash FROM AuditEntries ORDER BY Id DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.GenesisHash);
    }
}
