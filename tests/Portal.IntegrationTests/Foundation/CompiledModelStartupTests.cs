using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.CompiledModels.Postgres;
using Portal.Data.CompiledModels.Sqlite;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

/// <summary>The running portal works on the generated model of its provider (Portal.UnitTests' CompiledModelTests keep that model current).</summary>
public sealed class CompiledModelStartupTests(SharedPortal portal)
{
    [Fact]
    public async Task Contexts_UseTheCompiledModelOfTheConfiguredProvider()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);

        db.Model.ShouldBeSameAs(portal.UsesPostgres ? PostgresPortalDbContextModel.Instance : PortalDbContextModel.Instance);
        (await db.Database.GetPendingMigrationsAsync(Xunit.TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }
}
