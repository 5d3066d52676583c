using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Portal.Features.Tenants;

namespace Portal.Benchmarks;

/// <summary>
/// Bulk-inserts benchmark tenants straight into a migrated portal database.
/// One transaction and one reused prepared command per table: going through <c>TenantService</c> would write an
/// audit entry and validate every tenant, which takes minutes for 10,000 rows and measures the wrong thing.
/// Rows look like real ones: unique display name (plus upper-case <c>NormalizedName</c> for the unique index),
/// the seeded UEM region "na", an organisation group and 1-2 tags.
/// </summary>
public static class TenantSeeder
{
    /// <summary>Every 10th tenant matches this search term, so a filtered page still has a full page of rows.</summary>
    public const string SearchTerm = "Contoso";

    public static string NameOf(int index) =>
        index % 10 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{SearchTerm} Customer {index:00000}")
            : string.Create(CultureInfo.InvariantCulture, $"Customer {index:00000}");

    /// <summary>Adds <paramref name="count"/> tenants to the portal's database (SQLite file or PostgreSQL, whichever it runs on).</summary>
    public static Task SeedAsync(BenchPortal portal, int count, CancellationToken cancellationToken) =>
        portal.UsesPostgres ? SeedPostgresAsync(portal, count, cancellationToken) : SeedSqliteAsync(portal.DatabasePath, count, cancellationToken);

    private static readonly string[] Tags = ["gold", "silver", "bronze", "emea", "amer", "apac"];

    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Benchmark tenant number <paramref name="i"/> (without an id), the same rows on both providers.</summary>
    private static Tenant Create(int i, int regionId)
    {
        var name = NameOf(i);
        var host = string.Create(CultureInfo.InvariantCulture, $"cn{i:00000}");
        var tenant = new Tenant
        {
            DisplayName = name,
            NormalizedName = name.ToUpperInvariant(),
            CustomerReference = string.Create(CultureInfo.InvariantCulture, $"REF-{i:00000}"),
            UemConsoleUrl = $"https://{host}.awmdm.com",
            UemApiUrl = $"https://as{host}.awmdm.com",
            UemRegionId = regionId,
            UemTokenUrl = "https://na.uemauth.vmwservices.com/connect/token",
            OrganizationGroupId = string.Create(CultureInfo.InvariantCulture, $"{1000 + i}"),
            OrganizationGroupName = $"Group {host}",
            CreatedUtc = Start.AddMinutes(i),
            CreatedBy = "bench",
            UpdatedUtc = Start.AddMinutes(i),
            UpdatedBy = "bench",
            IsArchived = false,
            Version = Guid.NewGuid(),
        };
        tenant.Tags.Add(new TenantTag { Name = Tags[i % 3] });
        if (i % 2 == 0)
        {
            tenant.Tags.Add(new TenantTag { Name = Tags[3 + (i % 3)] });
        }

        return tenant;
    }

    private static async Task SeedSqliteAsync(string databasePath, int count, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath}");
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var regionId = await UemRegionIdAsync(connection, transaction, cancellationToken);
        var firstIndex = await NextIndexAsync(connection, transaction, cancellationToken);

        await using var tenant = connection.CreateCommand();
        tenant.Transaction = transaction;
        tenant.CommandText = """
            INSERT INTO Tenants (DisplayName, NormalizedName, CustomerReference, UemConsoleUrl, UemApiUrl, UemRegionId, UemTokenUrl,
                OrganizationGroupId, OrganizationGroupName, CreatedUtc, CreatedBy, UpdatedUtc, UpdatedBy, IsArchived, Version)
            VALUES ($name, $normalized, $reference, $console, $api, $region, $token, $og, $ogName, $ts, 'bench', $ts, 'bench', 0, $version)
            RETURNING Id
            """;
        var tenantParameters = new[] { "$name", "$normalized", "$reference", "$console", "$api", "$region", "$token", "$og", "$ogName", "$ts", "$version" }
            .Select(name => tenant.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        await using var tag = connection.CreateCommand();
        tag.Transaction = transaction;
        tag.CommandText = "INSERT INTO TenantTags (TenantId, Name) VALUES ($tenant, $tag)";
        var tagTenant = tag.Parameters.Add(new SqliteParameter { ParameterName = "$tenant" });
        var tagName = tag.Parameters.Add(new SqliteParameter { ParameterName = "$tag" });

        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var row = Create(i, (int)regionId);
            object[] values =
            [
                row.DisplayName, row.NormalizedName, row.CustomerReference!, row.UemConsoleUrl, row.UemApiUrl, regionId, row.UemTokenUrl,
                row.OrganizationGroupId!, row.OrganizationGroupName!,
                row.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
                row.Version.ToString().ToUpperInvariant(), // EF Core stores Guids as upper-case TEXT on SQLite
            ];
            for (var p = 0; p < values.Length; p++)
            {
                tenantParameters[p].Value = values[p];
            }

            var id = Convert.ToInt64(await tenant.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            tagTenant.Value = id;
            foreach (var t in row.Tags)
            {
                tagName.Value = t.Name;
                await tag.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The same rows through binary COPY, in one transaction, then VACUUM ANALYZE (SQLite: ANALYZE).</summary>
    private static async Task SeedPostgresAsync(BenchPortal portal, int count, CancellationToken cancellationToken)
    {
        await using var connection = await BenchPostgres.OpenAsync(portal, cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            int regionId;
            int firstIndex;
            await using (var region = new NpgsqlCommand("SELECT \"Id\" FROM \"Regions\" WHERE \"Product\" = 'Uem' AND \"Code\" = 'na'", connection, transaction))
            {
                regionId = await region.ExecuteScalarAsync(cancellationToken) is { } id
                    ? Convert.ToInt32(id, CultureInfo.InvariantCulture)
                    : throw new InvalidOperationException("The seeded UEM region 'na' is missing; was the database migrated?");
            }

            await using (var existing = new NpgsqlCommand("SELECT COUNT(*) FROM \"Tenants\"", connection, transaction))
            {
                firstIndex = Convert.ToInt32(await existing.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) + 1;
            }

            var tenants = Enumerable.Range(firstIndex, count).Select(i => Create(i, regionId)).ToList();
            await BenchPostgres.InsertTenantsAsync(connection, tenants, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await BenchPostgres.VacuumAnalyzeAsync(connection, cancellationToken, "Tenants", "TenantTags");
    }

    private static async Task<long> UemRegionIdAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT Id FROM Regions WHERE Product = 'Uem' AND Code = 'na'";
        return await command.ExecuteScalarAsync(cancellationToken) is { } id
            ? Convert.ToInt64(id, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("The seeded UEM region 'na' is missing; was the database migrated?");
    }

    /// <summary>Continues numbering after existing tenants, so seeding 1,000 then 9,000 more gives 10,000 unique names.</summary>
    private static async Task<int> NextIndexAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM Tenants";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) + 1;
    }
}
