namespace Portal.UnitTests.Foundation;

/// <summary>No Docker engine runs here, so the Dockerfile is checked statically.</summary>
public sealed class DockerfileTests
{
    private static readonly string RepoRoot = RepositoryRoot.Find();
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepoRoot, "Dockerfile"));

    [Fact]
    public void Dockerfile_EveryCopySource_ExistsInTheRepository()
    {
        var copies = Lines.Select(l => l.Trim())
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .ToList();

        copies.ShouldNotBeEmpty();
        foreach (var copy in copies)
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
            foreach (var source in parts[..^1])
            {
                var path = Path.Combine(RepoRoot, source);
                (source == "." || File.Exists(path) || Directory.Exists(path)).ShouldBeTrue($"COPY source '{source}' does not exist");
            }
        }
    }

    [Fact]
    public void Dockerfile_EveryProjectReference_IsCopiedBeforeRestore()
    {
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(RepoRoot, "Portal.csproj"));
        var references = project.Descendants("ProjectReference").Select(r => r.Attribute("Include")!.Value.Replace('\\', '/')).ToList();
        var restoreLine = Array.FindIndex(Lines, l => l.Contains("dotnet restore", StringComparison.Ordinal));
        var copiedBeforeRestore = string.Join('\n', Lines.Take(restoreLine).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)));

        references.ShouldNotBeEmpty();
        restoreLine.ShouldBeGreaterThan(0);
        foreach (var reference in references)
        {
            copiedBeforeRestore.ShouldContain(reference, customMessage: $"{reference} must be copied before 'dotnet restore' or the image build fails");
        }
    }

    [Fact]
    public void Dockerfile_Runtime_IsMultiStageNonRootWithHealthcheckAndDataVolume()
    {
        Lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(2);
        Lines.ShouldContain(l => l.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal));
        Lines.ShouldContain(l => l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal));
        Lines.ShouldContain(l => l.StartsWith("USER ", StringComparison.Ordinal) && !l.Contains("root", StringComparison.Ordinal));
        Lines.ShouldContain(l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && l.Contains("/health/live", StringComparison.Ordinal));
        Lines.ShouldContain(l => l.StartsWith("VOLUME", StringComparison.Ordinal) && l.Contains("/data", StringComparison.Ordinal));
        Lines.ShouldNotContain(l => l.Contains("ASPNETCORE_URLS", StringComparison.Ordinal) && l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
    }
}

internal static class RepositoryRoot
{
    public static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test output folder.");
    }
}
