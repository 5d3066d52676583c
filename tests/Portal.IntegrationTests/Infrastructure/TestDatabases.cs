using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>
/// Which database the integration suite runs on. tests/run.sh starts a throwaway PostgreSQL cluster and sets
/// <c>PORTAL_TEST_POSTGRES</c> (an admin connection string); with <c>PORTAL_TEST_DATABASE=Postgres</c> every portal the
/// suite starts runs on its own fresh PostgreSQL database instead of a SQLite file.
/// </summary>
public static class TestDatabases
{
    public static string? PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public static bool RunOnPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("PORTAL_TEST_DATABASE"), "Postgres", StringComparison.OrdinalIgnoreCase);

    public const string NoPostgres = "Needs PostgreSQL: tests/run.sh starts a throwaway server and sets PORTAL_TEST_POSTGRES.";

    /// <summary>Creates an empty database on the test server and returns its connection string.</summary>
    public static string CreatePostgresDatabase()
    {
        var admin = PostgresAdminConnectionString ?? throw new InvalidOperationException(NoPostgres);
        var name = "portal_it_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreatePostgresDatabase"/>, closing whatever still uses it.</summary>
    public static void DropPostgresDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(PostgresAdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    private static readonly Lazy<(string Path, string Password)> Certificate = new(CreateCertificate);

    /// <summary>One self-signed key-encryption certificate (PFX) for the whole run, as an operator would mount on every instance.</summary>
    public static (string Path, string Password) DataProtectionCertificate => Certificate.Value;

    private static (string Path, string Password) CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Connector Portal test key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var path = Path.Combine(Directory.CreateTempSubdirectory("portal-it-cert-").FullName, "data-protection.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, password);
    }
}
