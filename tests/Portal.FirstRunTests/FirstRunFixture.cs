using System.Diagnostics;
using Microsoft.Playwright;
using Portal.FirstRunTests;

[assembly: AssemblyFixture(typeof(FirstRunFixture))]

namespace Portal.FirstRunTests;

/// <summary>
/// One fresh copy of the working tree (built by the tests themselves, as a user's clone would be), its published
/// output (built once, on first use) and one Debian Chromium for the whole assembly.
/// </summary>
public sealed class FirstRunFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private IPlaywright? _playwright;
    private string? _publishFolder;

    public string Root { get; } = Directory.CreateTempSubdirectory("portal-first-run-").FullName;

    /// <summary>The fresh copy of the working tree: what `git clone` would give.</summary>
    public string Clone => Path.Combine(Root, "clone");

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        WorkingTreeCopy.Create(Clone);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A new empty folder for one start's data (database, key ring, logs).</summary>
    public string NewDataFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, "data-" + name)).FullName;

    /// <summary>The Dockerfile's build stage: <c>dotnet publish Portal.csproj --configuration Release --output /app</c>.</summary>
    public async Task<string> PublishedOutputAsync()
    {
        await _publishGate.WaitAsync();
        try
        {
            if (_publishFolder is null)
            {
                var output = Path.Combine(Root, "app");
                await using var publish = PortalProcess.Start("publish", Clone, "dotnet", ["publish", "Portal.csproj", "--configuration", "Release", "--output", output, "-nologo"]);
                var exited = await publish.WaitForExitAsync(TimeSpan.FromMinutes(8));
                exited.ShouldBe(0, "dotnet publish succeeds:" + Environment.NewLine + publish.Output);
                _publishFolder = output;
            }

            return _publishFolder;
        }
        finally
        {
            _publishGate.Release();
        }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        _publishGate.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process killed a moment ago may still hold a file; the temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
