namespace Portal.FirstRunTests;

/// <summary>
/// How the Dockerfile's runtime stage starts the portal: its WORKDIR, ENV and ENTRYPOINT, read from the Dockerfile
/// itself so the test cannot drift from it. No Docker engine runs here, so the published output is started directly
/// with that environment, the container's <c>/data</c> volume mapped to a temp folder and its port to a free one.
/// </summary>
public sealed record DockerfileRuntime(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> EntryPoint, int ContainerPort)
{
    public static DockerfileRuntime Read(string dockerfilePath)
    {
        var lines = JoinContinuations(File.ReadAllLines(dockerfilePath));
        var runtimeStage = lines.SkipWhile(l => !(l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase) && l.Contains(" AS runtime", StringComparison.OrdinalIgnoreCase))).ToList();
        runtimeStage.ShouldNotBeEmpty("the Dockerfile has a stage named runtime");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in runtimeStage.Where(l => l.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var pair in line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                equals.ShouldBeGreaterThan(0, $"ENV entries are KEY=value pairs: {pair}");
                environment[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        var entryLine = runtimeStage.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.OrdinalIgnoreCase));
        var entryPoint = System.Text.Json.JsonSerializer.Deserialize<string[]>(entryLine["ENTRYPOINT ".Length..])!;
        var exposeLine = runtimeStage.Single(l => l.StartsWith("EXPOSE ", StringComparison.OrdinalIgnoreCase));
        return new(environment, entryPoint, int.Parse(exposeLine["EXPOSE ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The ENV of the image with the volume at <paramref name="dataFolder"/> and the port published on loopback.</summary>
    public Dictionary<string, string?> EnvironmentFor(string dataFolder, int hostPort)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in Environment)
        {
            var mapped = value.Replace("/data", dataFolder, StringComparison.Ordinal);
            if (key == "ASPNETCORE_URLS")
            {
                mapped.ShouldBe($"http://+:{ContainerPort}", "the image listens on its EXPOSEd port on every interface");
                mapped = $"http://127.0.0.1:{hostPort}"; // loopback only on the test machine
            }

            result[key] = mapped;
        }

        return result;
    }

    private static List<string> JoinContinuations(string[] lines)
    {
        var joined = new List<string>();
        var current = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (current.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }

            joined.Add(current + line);
            current = "";
        }

        return joined;
    }
}
