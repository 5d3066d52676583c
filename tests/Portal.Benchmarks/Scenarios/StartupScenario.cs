using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Benchmarks.Scenarios;

/// <summary>Cold start of the real portal process on an empty database, until the sign-in page is served.</summary>
public sealed class StartupScenario : IScenario
{
    public string Name => "startup";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var runs = settings.Quick ? 1 : 5;
        var samples = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            samples.Add(await ColdStartAsync(Path.Combine(settings.WorkFolder, $"run{run}"), cancellationToken));
        }

        return [new BenchmarkResult("Start-up to first page (cold, empty DB)", runs.ToString(System.Globalization.CultureInfo.InvariantCulture), samples, null, "process start → GET /Account/Login 200")];
    }

    private static async Task<double> ColdStartAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Database__Path"] = Path.Combine(folder, "portal.db");
        start.Environment["DataProtection__KeysPath"] = Path.Combine(folder, "keys");
        start.Environment["Bootstrap__AdminPassword"] = "Bench-Admin-Passw0rd!";
        start.Environment["Serilog__WriteTo__1__Args__path"] = Path.Combine(folder, "logs", "portal-.log");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/Account/Login"), cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return stopwatch.Elapsed.TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException)
                {
                    // slow first response; keep polling
                }

                await Task.Delay(25, cancellationToken);
            }

            throw new TimeoutException("The portal did not serve its first page within 60 s.");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
