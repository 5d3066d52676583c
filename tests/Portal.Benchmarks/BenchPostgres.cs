using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using NpgsqlTypes;
using Portal.Features.Audit;
using Portal.Features.Status;
using Portal.Features.Tenants;

namespace Portal.Benchmarks;

/// <summary>
/// The PostgreSQL side of the harness (<c>--provider postgres</c>): a fresh database and a Data Protection certificate per
/// portal, as tests/Portal.IntegrationTests' TestDatabases does, and binary COPY writers for the seeders.
/// </summary>
public static class BenchPostgres
{
    /// <summary>"PostgreSQL 17.6" for the results heading.</summary>
    public static async Task<string> DescribeServerAsync(string adminConnectionString)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return $"PostgreSQL {await command.ExecuteScalarAsync()}";
    }

    /// <summary>Creates an empty database <c>bench_&lt;guid&gt;</c> on the server and returns its connection string.</summary>
    public static string CreateDatabase(string adminConnectionString)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>, closing whatever still uses it.</summary>
    public static void DropDatabase(string adminConnectionString, string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(adminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>A self-signed key-encryption certificate (PFX with private key) in <paramref name="folder"/>, as an operator would mount.</summary>
    public static (string Path, string Password) CreateCertificate(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Connector Portal benchmark key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "data-protection.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, password);
    }

    public static async Task<NpgsqlConnection> OpenAsync(BenchPortal portal, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(portal.PostgresConnectionString ?? throw new InvalidOperationException("This portal runs on SQLite."));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Fresh statistics and visibility map after a bulk load, the state autovacuum reaches on its own a minute later (and
    /// so no autovacuum run lands in the middle of a measurement). SQLite's counterpart is the seeders' <c>ANALYZE</c>.
    /// </summary>
    public static async Task VacuumAnalyzeAsync(NpgsqlConnection connection, CancellationToken cancellationToken, params string[] tables)
    {
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"VACUUM (ANALYZE) \"{table}\"", connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Inserts tenants and their tags with binary COPY. Ids are assigned here (after the highest existing one) and written
    /// into the entities; the identity sequence is moved past them so the portal's own inserts continue after.
    /// </summary>
    public static async Task InsertTenantsAsync(NpgsqlConnection connection, IReadOnlyList<Tenant> tenants, CancellationToken cancellationToken)
    {
        await using (var max = new NpgsqlCommand("SELECT COALESCE(MAX(\"Id\"), 0) FROM \"Tenants\"", connection))
        {
            var next = Convert.ToInt32(await max.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) + 1;
            foreach (var tenant in tenants)
            {
                tenant.Id = next++;
                foreach (var tag in tenant.Tags)
                {
                    tag.TenantId = tenant.Id;
                }
            }
        }

        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY "Tenants" ("Id", "DisplayName", "NormalizedName", "CustomerReference", "UemConsoleUrl", "UemApiUrl", "UemRegionId", "UemTokenUrl",
                "OrganizationGroupId", "OrganizationGroupName", "CreatedUtc", "CreatedBy", "UpdatedUtc", "UpdatedBy", "IsArchived", "Version")
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            foreach (var t in tenants)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(t.Id, NpgsqlDbType.Integer, cancellationToken);
                await TextAsync(writer, t.DisplayName, cancellationToken);
                await TextAsync(writer, t.NormalizedName, cancellationToken);
                await TextAsync(writer, t.CustomerReference, cancellationToken);
                await TextAsync(writer, t.UemConsoleUrl, cancellationToken);
                await TextAsync(writer, t.UemApiUrl, cancellationToken);
                await writer.WriteAsync(t.UemRegionId, NpgsqlDbType.Integer, cancellationToken);
                await TextAsync(writer, t.UemTokenUrl, cancellationToken);
                await TextAsync(writer, t.OrganizationGroupId, cancellationToken);
                await TextAsync(writer, t.OrganizationGroupName, cancellationToken);
                await writer.WriteAsync(t.CreatedUtc, NpgsqlDbType.TimestampTz, cancellationToken);
                await TextAsync(writer, t.CreatedBy, cancellationToken);
                await writer.WriteAsync(t.UpdatedUtc, NpgsqlDbType.TimestampTz, cancellationToken);
                await TextAsync(writer, t.UpdatedBy, cancellationToken);
                await writer.WriteAsync(t.IsArchived, NpgsqlDbType.Boolean, cancellationToken);
                await writer.WriteAsync(t.Version, NpgsqlDbType.Uuid, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync("COPY \"TenantTags\" (\"TenantId\", \"Name\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var tag in tenants.SelectMany(t => t.Tags))
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(tag.TenantId, NpgsqlDbType.Integer, cancellationToken);
                await TextAsync(writer, tag.Name, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using var sequence = new NpgsqlCommand(
            "SELECT setval(pg_get_serial_sequence('\"Tenants\"', 'Id'), (SELECT MAX(\"Id\") FROM \"Tenants\"))", connection);
        await sequence.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Status snapshots and stored checks with binary COPY (check ids come from the identity column).</summary>
    public static async Task InsertStatusAsync(NpgsqlConnection connection, IEnumerable<TenantStatusSnapshot> snapshots, IEnumerable<CheckResult> checks, CancellationToken cancellationToken)
    {
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY \"TenantStatus\" (\"TenantId\", \"Status\", \"StatusSinceUtc\", \"LastCheckedUtc\", \"Diagnosis\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var s in snapshots)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(s.TenantId, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync((int)s.Status, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(s.StatusSinceUtc, NpgsqlDbType.TimestampTz, cancellationToken);
                if (s.LastCheckedUtc is { } lastChecked)
                {
                    await writer.WriteAsync(lastChecked, NpgsqlDbType.TimestampTz, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }

                await TextAsync(writer, s.Diagnosis, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY \"StatusCheckResults\" (\"TenantId\", \"Layer\", \"Outcome\", \"Diagnosis\", \"Fix\", \"LatencyMs\", \"ErrorCode\", \"CheckedUtc\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var c in checks)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(c.TenantId, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync((int)c.Layer, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync((int)c.Outcome, NpgsqlDbType.Integer, cancellationToken);
                await TextAsync(writer, c.Diagnosis, cancellationToken);
                await TextAsync(writer, c.Fix, cancellationToken);
                await writer.WriteAsync(c.LatencyMs, NpgsqlDbType.Double, cancellationToken);
                await TextAsync(writer, c.ErrorCode, cancellationToken);
                await writer.WriteAsync(c.CheckedUtc, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>Starts a binary COPY into "AuditEntries"; write each entry with <see cref="WriteAuditEntryAsync"/>, then complete it.</summary>
    public static Task<NpgsqlBinaryImporter> BeginAuditImportAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        connection.BeginBinaryImportAsync("""
            COPY "AuditEntries" ("Id", "TimestampUtc", "Actor", "ActorRoles", "SourceIp", "TenantId", "TenantName", "Action", "Outcome", "DetailsJson", "CorrelationId", "PreviousHash", "Hash")
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);

    public static async Task WriteAuditEntryAsync(NpgsqlBinaryImporter writer, AuditEntry entry, CancellationToken cancellationToken)
    {
        await writer.StartRowAsync(cancellationToken);
        await writer.WriteAsync(entry.Id, NpgsqlDbType.Bigint, cancellationToken);
        await writer.WriteAsync(entry.TimestampUtc, NpgsqlDbType.TimestampTz, cancellationToken);
        await TextAsync(writer, entry.Actor, cancellationToken);
        await TextAsync(writer, entry.ActorRoles, cancellationToken);
        await TextAsync(writer, entry.SourceIp, cancellationToken);
        await TextAsync(writer, entry.TenantId, cancellationToken);
        await TextAsync(writer, entry.TenantName, cancellationToken);
        await TextAsync(writer, entry.Action, cancellationToken);
        await TextAsync(writer, entry.Outcome.ToString(), cancellationToken);
        await TextAsync(writer, entry.DetailsJson, cancellationToken);
        await TextAsync(writer, entry.CorrelationId, cancellationToken);
        await TextAsync(writer, entry.PreviousHash, cancellationToken);
        await TextAsync(writer, entry.Hash, cancellationToken);
    }

    /// <summary>
    /// A write that gave up waiting for the database, PostgreSQL's counterpart of SQLITE_BUSY/SQLITE_LOCKED: lock or
    /// serialisation conflicts, a cancelled (timed-out) statement, or no pooled connection free in time.
    /// </summary>
    public static bool IsBusy(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { InnerException: TimeoutException } => true,
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: NpgsqlException inner } => IsBusy(inner),
        _ => false,
    };

    private static Task TextAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
