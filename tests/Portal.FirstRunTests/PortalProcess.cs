using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.FirstRunTests;

/// <summary>
/// The portal as a separate process, started with a clean environment (no ASPNETCORE_*, no Section__Key settings),
/// so that only what the test passes on the command line or names explicitly reaches it. Its console output is
/// kept (the first admin's password is read from it) and written to <c>artifacts/first-run/NAME.log</c>.
/// </summary>
public sealed partial class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly string _logPath;

    private PortalProcess(Process process, string logPath)
    {
        _process = process;
        _logPath = logPath;
    }

    public static string ArtifactsFolder { get; } = Path.Combine(WorkingTreeCopy.RepositoryRoot, "artifacts", "first-run");

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    /// <param name="environment">The only settings added to the cleaned environment (null removes a variable).</param>
    public static PortalProcess Start(string name, string workingDirectory, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        // Build-tool hygiene, not portal settings: no MSBuild node or build server outlives the test holding its pipes.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(ArtifactsFolder);
        var portal = new PortalProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, Path.Combine(ArtifactsFolder, name + ".log"));
        File.WriteAllText(portal._logPath, $"$ {fileName} {string.Join(' ', arguments)}{Environment.NewLine}");
        portal._process.OutputDataReceived += (_, e) => portal.Append(e.Data);
        portal._process.ErrorDataReceived += (_, e) => portal.Append(e.Data);
        portal._process.Start();
        portal._process.StandardInput.Close(); // no terminal: as under a service manager
        portal._process.BeginOutputReadLine();
        portal._process.BeginErrorReadLine();
        return portal;
    }

    /// <summary>Environment variables of the test runner that would configure the portal or the build behind the user's back.</summary>
    private static bool IsInheritedSetting(string key) =>
        key.Contains("__", StringComparison.Ordinal)
        || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("PORTAL_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || (key.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)
            && !key.StartsWith("DOTNET_ROOT", StringComparison.OrdinalIgnoreCase)
            && key is not ("DOTNET_CLI_TELEMETRY_OPTOUT" or "DOTNET_NOLOGO" or "DOTNET_SKIP_FIRST_TIME_EXPERIENCE"));

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
            File.AppendAllText(_logPath, line + Environment.NewLine);
        }
    }

    /// <summary>Waits for a command that ends by itself (a build); returns its exit code, or -1 when it was killed on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return -1;
        }
    }

    /// <summary>Waits until the console shows "Now listening on" (or the process ends, which fails with its output).</summary>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains("Now listening on:", StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {_process.ExitCode} before listening:{Environment.NewLine}{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The portal did not listen within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The first admin's password, as the console box printed it once.</summary>
    public string FirstAdminPassword()
    {
        var match = PasswordLine().Match(Output);
        match.Success.ShouldBeTrue("the console shows the first admin's password:" + Environment.NewLine + Output);
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^\s*password:\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // dotnet run's child (the portal itself) goes too
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // A process that does not die within 30 s is left to the test run's process group.
            }
        }

        _process.Dispose();
    }
}
