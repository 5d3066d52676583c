using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// Cold start of the real portal process on an empty database and on one with 1,000 tenants, until the sign-in page is
/// served: the page answers 200 and so does every stylesheet it links (a page without its CSS is not usable yet).
/// The portal started is the one the Dockerfile ships: <c>dotnet publish Portal.csproj --configuration Release</c>, run as
/// <c>dotnet Portal.dll</c>. The build output the harness itself references is measured too, for comparison.
/// </summary>
public sealed class StartupScenario : IScenario
{
    public string Name => "startup";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var runs = settings.Quick ? 1 : 5;
        var published = await PublishAsync(Path.Combine(settings.WorkFolder, "published"), settings.Quick, cancellationToken);
        var samples = new List<double>();
        var buildOutputSamples = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // Interleaved, so a burst of other load on the machine lands on both kinds of start alike.
            samples.Add(await ColdStartAsync(published, Path.Combine(settings.WorkFolder, $"run{run}"), cancellationToken));
            buildOutputSamples.Add(await ColdStartAsync(AppContext.BaseDirectory, Path.Combine(settings.WorkFolder, $"build{run}"), cancellationToken));
        }

        // Same cold start on a database that already holds 1,000 tenants: seeded once through the in-process host
        // (migrations, regions, key ring), then copied into each run's folder so every run starts from the same file.
        var template = Path.Combine(settings.WorkFolder, "template-1000");
        Directory.CreateDirectory(template);
        await using (var portal = new BenchPortal(template))
        {
            _ = portal.Services;
            await TenantSeeder.SeedAsync(portal, 1_000, cancellationToken);
        }

        SqliteConnection.ClearAllPools(); // release the file before copying it
        var seededSamples = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var folder = Path.Combine(settings.WorkFolder, $"seeded{run}");
            CopyFolder(template, folder);
            seededSamples.Add(await ColdStartAsync(published, folder, cancellationToken));
        }

        var n = runs.ToString(CultureInfo.InvariantCulture);
        var what = settings.Quick ? "published without ReadyToRun (--quick)" : "published as the Dockerfile does (ReadyToRun)";
        var empty = new BenchmarkResult("Start-up to first page (cold, empty DB)", n, samples, null, $"{what}; process start → GET /Account/Login 200 and its stylesheets 200");
        var buildOutput = new BenchmarkResult("Start-up to first page (cold, empty DB, build output)", n, buildOutputSamples, null, "dotnet build's Portal.dll, JIT-compiled: what the published output saves");
        settings.Report("startup-median-ms", empty.Median, "0");
        settings.Report("startup-build-output-median-ms", buildOutput.Median, "0");
        return
        [
            empty,
            buildOutput,
            new BenchmarkResult("Start-up to first page (cold, 1,000 tenants)", n, seededSamples, null, "pre-seeded DB file; published output; same measurement"),
        ];
    }

    /// <summary>
    /// The Dockerfile's build stage into <paramref name="output"/>. --quick publishes without ReadyToRun: it checks the
    /// harness, and precompiling every assembly would add minutes to the test run that executes it.
    /// </summary>
    private static async Task<string> PublishAsync(string output, bool quick, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var arguments = new List<string> { "publish", Path.Combine(root, "Portal.csproj"), "--configuration", "Release", "--output", output, "-nologo" };
        if (quick)
        {
            arguments.Add("-p:PublishReadyToRun=false");
        }

        var start = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var publish = Process.Start(start)!;
        var stdout = publish.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = publish.StandardError.ReadToEndAsync(cancellationToken);
        await publish.WaitForExitAsync(cancellationToken);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):{Environment.NewLine}{await stdout}{await stderr}");
        }

        return output;
    }

    /// <summary>The clone the harness was built from: the folder above its build output that holds Portal.csproj and the Dockerfile.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Portal.csproj")) && File.Exists(Path.Combine(folder.FullName, "Dockerfile")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Portal.csproj with a Dockerfile above {AppContext.BaseDirectory}: run the harness from its clone.");
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(source, target, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}logs{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            File.Copy(file, file.Replace(source, target, StringComparison.Ordinal));
        }
    }

    /// <summary>Whether every <c>&lt;link rel="stylesheet"&gt;</c> of the page answers 200 (fetched one after another, as the clock runs).</summary>
    private static async Task<bool> StylesheetsServedAsync(HttpClient http, Uri page, string html, CancellationToken cancellationToken)
    {
        var root = new Uri(page, "/"); // the page's <base href="/">: links resolve from the site root, as in a browser
        var links = Regex.Matches(html, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Select(m => new Uri(root, m.Groups[1].Value)).ToList();
        if (links.Count == 0)
        {
            throw new InvalidOperationException("The sign-in page links no stylesheet: the start-up measurement expects its CSS.");
        }

        foreach (var link in links)
        {
            using var css = await http.GetAsync(link, cancellationToken);
            if (css.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<double> ColdStartAsync(string appFolder, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var port = BenchPortal.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(appFolder, "Portal.dll")])
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Database__Path"] = Path.Combine(folder, "portal.db");
        start.Environment["DataProtection__KeysPath"] = Path.Combine(folder, "keys");
        start.Environment["Bootstrap__AdminPassword"] = "Bench-Admin-Passw0rd!";
        start.Environment["Serilog__WriteTo__1__Args__path"] = Path.Combine(folder, "logs", "portal-.log");
        start.Environment["Audit__AnchorFile"] = Path.Combine(folder, "logs", "audit-anchors.jsonl");
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
                    var signIn = new Uri($"http://127.0.0.1:{port}/Account/Login");
                    using var response = await http.GetAsync(signIn, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK
                        && await StylesheetsServedAsync(http, signIn, await response.Content.ReadAsStringAsync(cancellationToken), cancellationToken))
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
}
