using System.Diagnostics;

namespace Portal.FirstRunTests;

/// <summary>
/// A fresh copy of the working tree, as a new clone would be: the files git tracks plus new files it does not
/// ignore, and nothing built (no artifacts/, bin/, obj/, data/ or logs/).
/// </summary>
public static class WorkingTreeCopy
{
    /// <summary>The folder holding Portal.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Create(string destination)
    {
        foreach (var relative in ListFiles())
        {
            var source = Path.Combine(RepositoryRoot, relative);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree but not yet committed
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        return destination;
    }

    private static List<string> ListFiles()
    {
        var start = new ProcessStartInfo("git", ["-C", RepositoryRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException("git ls-files failed: " + git.StandardError.ReadToEnd());
        }

        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }
}
