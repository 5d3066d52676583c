namespace Portal.Hosting;

/// <summary><c>Portal --probe URL</c>: exits 0 when the URL answers 2xx, for the Docker HEALTHCHECK.</summary>
public static class HealthProbe
{
    public static bool IsRequested(string[] args) => args.Length == 2 && args[0] == "--probe";

    public static async Task<int> RunAsync(string[] args)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await http.GetAsync(new Uri(args[1]));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            return 1;
        }
    }
}
