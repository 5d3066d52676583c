using Portal.Hosting;

namespace Portal.Features.Downloads;

public static class DownloadsFeature
{
    public static IServiceCollection AddDownloadsFeature(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<DownloadOptions>().BindConfiguration(DownloadOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<PreparedDownloads>();
        services.AddHostedService<ExpiredDownloadsCleaner>();
        return services;
    }

    /// <summary>GET /downloads/{token}: the prepared file, once, for the user who prepared it; deleted as it is served.</summary>
    public static IEndpointRouteBuilder MapDownloadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/downloads/{token}", (string token, HttpContext http, PreparedDownloads downloads) =>
        {
            var (download, refusal) = downloads.Claim(token, http.User);
            return refusal switch
            {
                DownloadRefusal.Forbidden => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This download belongs to someone else",
                    detail: "Download links work only for the person who started the export. Export again from the page."),
                DownloadRefusal.Gone => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "This download link has expired or was already used",
                    detail: "Download links work once and for a few minutes. Export again from the page."),
                _ => Results.File(
                    new FileStream(download!.Path, FileMode.Open, FileAccess.Read, FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose),
                    download.ContentType, download.FileName),
            };
        }).RequireAuthorization();
        return endpoints;
    }
}

/// <summary>Deletes prepared files nobody downloaded in time, every minute.</summary>
internal sealed class ExpiredDownloadsCleaner(PreparedDownloads downloads, TimeProvider clock, ILogger<ExpiredDownloadsCleaner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        downloads.RemoveLeftovers();
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await BackgroundLoop.RunPassAsync(_ =>
            {
                downloads.RemoveExpired();
                return Task.CompletedTask;
            }, logger, "Deleting expired download files failed", stoppingToken);
        }
    }
}
