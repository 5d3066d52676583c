using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

public sealed class HostingTests(SharedPortal portal)
{
    [Fact]
    public async Task Startup_EmptyDatabase_AppliesEveryMigration()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);

        var applied = await db.Database.GetAppliedMigrationsAsync(Xunit.TestContext.Current.CancellationToken);

        applied.ShouldBe(db.Database.GetMigrations());
        applied.ShouldNotBeEmpty();
        if (!portal.UsesPostgres)
        {
            File.Exists(portal.DatabasePath).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task Startup_NewDatabase_UsesWriteAheadLogging()
    {
        Assert.SkipWhen(portal.UsesPostgres, "SQLite journal mode; PostgreSQL always writes ahead.");
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        await db.Database.OpenConnectionAsync(Xunit.TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        var mode = (string?)await command.ExecuteScalarAsync(Xunit.TestContext.Current.CancellationToken);

        mode.ShouldBe("wal");
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthEndpoint_Anonymous_ReportsHealthy(string path)
    {
        using var client = portal.CreatePortalClient();

        var response = await client.Http.GetAsync(path, Xunit.TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Fact]
    public async Task AnyResponse_Always_CarriesSecurityHeaders()
    {
        using var client = portal.CreatePortalClient();

        var response = await client.Http.GetAsync("/Account/Login", Xunit.TestContext.Current.CancellationToken);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("object-src 'none'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Startup_UnwritableDatabasePath_FailsFastWithReadableMessage()
    {
        // A regular file where a folder is expected: not writable even for root.
        var blocker = Path.Combine(portal.DataFolder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x", Xunit.TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["Database__Path"] = Path.Combine(blocker, "portal.db");
        start.Environment["DataProtection__KeysPath"] = Path.Combine(portal.DataFolder, "keys-unwritable-test");
        start.Environment["Serilog__WriteTo__1__Args__path"] = Path.Combine(portal.DataFolder, "logs-unwritable", "portal-.log");
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Xunit.TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldBe(1);
        var message = await stderr;
        message.ShouldContain("cannot start");
        message.ShouldContain("is not writable");
        message.ShouldContain("Database:Path");
        message.ShouldNotContain("   at "); // no stack trace
        (await stdout).ShouldNotContain("Exception");
    }
}
