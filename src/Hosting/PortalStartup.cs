using System.Runtime.ExceptionServices;

namespace Portal.Hosting;

/// <summary>
/// Everything between building the app and serving its first request. On a cold start the database (migrations, first
/// admin, seed data) and the request pipeline with its endpoints are the two largest pieces of work, and neither needs the
/// other, so they run side by side. Nothing is served, and no background service starts, before both have finished.
/// </summary>
public static class PortalStartup
{
    public static async Task PreparePortalAsync(this WebApplication app)
    {
        var database = Task.Run(app.InitializePortalDatabaseAsync);
        ExceptionDispatchInfo? pipelineFailure = null;
        try
        {
            app.UsePortalPipeline();
            BuildEndpoints(app);
        }
        catch (Exception ex)
        {
            pipelineFailure = ExceptionDispatchInfo.Capture(ex);
        }

        await database; // a database that cannot start is reported first: it is the one an operator can fix
        pipelineFailure?.Throw();
    }

    /// <summary>
    /// Builds every endpoint now rather than on the first request. The Razor component endpoints (a scan of every
    /// routable page) are the costly part, and their data source keeps what it built.
    /// </summary>
    private static void BuildEndpoints(IEndpointRouteBuilder endpoints)
    {
        foreach (var source in endpoints.DataSources)
        {
            _ = source.Endpoints;
        }
    }
}
