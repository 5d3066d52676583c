using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Portal.Features.Downloads;

/// <summary>A file written by long work in a circuit, waiting for its one-time download.</summary>
public sealed record PreparedDownload(string Url, string FileName);

/// <summary>Why <see cref="PreparedDownloads.Claim"/> refused a token.</summary>
public enum DownloadRefusal
{
    None,

    /// <summary>Unknown, already downloaded, or expired (the file is gone).</summary>
    Gone,

    /// <summary>Prepared for another user, or the user no longer holds a role the export needs.</summary>
    Forbidden,
}

/// <summary>
/// Writes an export to a temporary file (streamed: memory stays flat) and hands out a one-time, user-bound, short-lived
/// download URL for it. The token is 256 random bits; the file is deleted after it is served, when it expires unclaimed,
/// and when the work fails or is cancelled. Tokens live in this instance's memory (circuits are sticky to an instance anyway).
/// </summary>
public sealed class PreparedDownloads(IOptions<DownloadOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<PreparedDownloads> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(string Path, string UserId, string[] Roles, string FileName, string ContentType, DateTimeOffset ExpiresUtc);

    /// <summary>A claimed download: open <see cref="Path"/> and serve it, then it is gone.</summary>
    public sealed record Claimed(string Path, string FileName, string ContentType);

    public string Folder { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(environment.ContentRootPath, options.Value.TempFolder));

    /// <summary>
    /// Runs <paramref name="write"/> into a new temporary file and returns its download URL, valid once, for
    /// <paramref name="user"/> while they hold one of <paramref name="requiredRoles"/> (the export endpoint's rule).
    /// </summary>
    public async Task<PreparedDownload> PrepareAsync(ClaimsPrincipal user, string[] requiredRoles, string fileName, string contentType,
        Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(write);
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("A download needs a signed-in user.");
        CreateFolder();
        var path = System.IO.Path.Combine(Folder, $"{Guid.NewGuid():N}.tmp");
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous, BufferSize = 64 * 1024 };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // readable by the portal's account only
            }

            await using var file = new FileStream(path, fileOptions);
            await write(file, cancellationToken);
        }
        catch
        {
            File.Delete(path); // a cancelled or failed export leaves no partial file behind
            throw;
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        _entries[token] = new Entry(path, userId, requiredRoles, fileName, contentType, clock.GetUtcNow() + options.Value.Lifetime);
        return new PreparedDownload($"/downloads/{token}", fileName);
    }

    /// <summary>
    /// Takes the download for <paramref name="user"/>: the token then no longer works, and the caller serves and deletes the
    /// file. Another user's attempt is refused without using the token up; an expired token's file is deleted now.
    /// </summary>
    public (Claimed? Download, DownloadRefusal Refusal) Claim(string token, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!_entries.TryGetValue(token, out var entry))
        {
            return (null, DownloadRefusal.Gone);
        }

        if (entry.ExpiresUtc <= clock.GetUtcNow())
        {
            Forget(token, entry);
            return (null, DownloadRefusal.Gone);
        }

        if (!string.Equals(user.FindFirstValue(ClaimTypes.NameIdentifier), entry.UserId, StringComparison.Ordinal) || !entry.Roles.Any(user.IsInRole))
        {
            return (null, DownloadRefusal.Forbidden);
        }

        // Two simultaneous requests: only the one that removes the entry gets the file.
        return _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry))
            ? (new Claimed(entry.Path, entry.FileName, entry.ContentType), DownloadRefusal.None)
            : (null, DownloadRefusal.Gone);
    }

    /// <summary>Deletes the files nobody downloaded in time.</summary>
    public void RemoveExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (token, entry) in _entries)
        {
            if (entry.ExpiresUtc <= now)
            {
                Forget(token, entry);
            }
        }
    }

    /// <summary>At start-up: files left by a previous run that stopped before their expiry could delete them.</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.Lifetime;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.tmp"))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                TryDelete(file);
            }
        }
    }

    private void Forget(string token, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(token, entry)))
        {
            TryDelete(entry.Path);
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not delete the temporary download file {Path}", path);
        }
    }

    private void CreateFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
        }
        else
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
