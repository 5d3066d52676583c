using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>A recognisable secret goes through create, replace, API use and export; it must appear nowhere.</summary>
public sealed class SecretCanaryTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task CanarySecrets_ThroughTheirWholeLife_NeverReachDatabaseLogsAuditOrExports()
    {
        var firstSecret = "CANARY-secret-" + Guid.NewGuid().ToString("N");
        var secondSecret = "CANARY-rotated-" + Guid.NewGuid().ToString("N");
        var apiKey = "CANARYapikey" + Guid.NewGuid().ToString("N");
        int tenantId;
        await using (var scope = _portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            var na = (await scope.ServiceProvider.GetRequiredService<RegionService>().ListAsync(RegionProduct.Uem, Ct)).Single(r => r.Code == "na");
            var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
            var created = await tenants.CreateAsync(new TenantEditModel
            {
                DisplayName = "Canary Corp",
                UemRegionId = na.Id,
                UemTokenUrl = na.TokenUrl!,
                UemConsoleUrl = "https://cn777.awmdm.com",
                UemApiUrl = "https://as777.awmdm.com",
                OAuthClientId = "canary-client",
                NewUemClientSecret = firstSecret,
                NewUemApiKey = apiKey,
            }, Ct);
            created.Status.ShouldBe(TenantSaveStatus.Saved, created.Message);
            tenantId = created.Id!.Value;
            var details = await tenants.GetAsync(tenantId, Ct);
            var model = details!.Model;
            model.NewUemClientSecret = secondSecret; // rotate
            (await tenants.UpdateAsync(tenantId, model, Ct)).Status.ShouldBe(TenantSaveStatus.Saved);
            var credentials = await scope.ServiceProvider.GetRequiredService<TenantSecretsService>().GetForApiCallAsync(tenantId, "canary test", Ct);
            credentials!.SecretsReadable.ShouldBeTrue();
        }

        using var client = _portal.CreatePortalClient();
        await client.SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);
        var export = await client.Http.GetStringAsync("/audit/export.csv", Ct);
        export.ShouldContain("Canary Corp");

        await using (var scope = _portal.Services.ScopeFor("canary-auditor", Roles.Auditor))
        {
            var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>()
                .QueryAsync(new AuditFilter { TenantId = tenantId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: Ct);
            page.Entries.ShouldNotBeEmpty();
            page.Entries.ShouldAllBe(e => e.TenantName == "Canary Corp"); // the trail names the tenant, not only its id
            var audited = string.Join('\n', page.Entries.Select(e => e.DetailsJson));
            audited.ShouldContain(Portal.Features.Tenants.SecretFingerprints.Prefix); // secrets are recorded by (keyed) fingerprint only
            AssertNoCanary(audited, "audit entries", firstSecret, secondSecret, apiKey);
        }

        AssertNoCanary(export, "audit CSV export", firstSecret, secondSecret, apiKey);
        foreach (var file in Directory.GetFiles(_portal.DataFolder, "*", SearchOption.AllDirectories))
        {
            AssertNoCanary(ReadShared(file), file, firstSecret, secondSecret, apiKey); // database, WAL, key ring, logs
        }

        if (_portal.UsesPostgres)
        {
            AssertNoCanary(await DumpPostgresAsync(_portal.PostgresConnectionString!), "the PostgreSQL database", firstSecret, secondSecret, apiKey);
        }
    }

    /// <summary>Every row of every table as text: the PostgreSQL counterpart of reading the SQLite file.</summary>
    private static async Task<string> DumpPostgresAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.ShouldContain("Tenants");
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new Npgsql.NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                dump.AppendLine(reader.GetString(0));
            }
        }

        return dump.ToString();
    }

    private static void AssertNoCanary(string text, string where, params string[] canaries)
    {
        foreach (var canary in canaries)
        {
            text.Contains(canary, StringComparison.Ordinal).ShouldBeFalse($"A secret leaked into {where}.");
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
