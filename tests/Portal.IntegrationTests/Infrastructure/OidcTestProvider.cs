using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider that no one here wrote (the npm package oidc-provider, run by node from
/// tests/oidc-provider) on a free loopback port. Its issuer is http://localhost:PORT, a different site from the portal
/// on 127.0.0.1, as a real provider is. Accounts and their claims live in a JSON file that <see cref="SetAccount"/>
/// rewrites; the provider reads it at every sign-in. Fails (never skips) when node or the npm packages are missing.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    public const string ClientId = "connector-portal";
    public const string ClientSecret = "test-client-secret-0123456789abcdef";

    private readonly Dictionary<string, object> _accounts = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-oidc-").FullName;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public OidcTestProvider()
    {
        Port = PortalAppFactory.FreeLoopbackPort();
        WriteAccounts();
    }

    public int Port { get; }

    public Uri Issuer => new($"http://localhost:{Port}");

    private string AccountsFile => Path.Combine(_folder, "accounts.json");

    /// <summary>The settings a portal on <paramref name="portal"/> needs to use this provider (groups → roles, tenant_tags → scope).</summary>
    public void Configure(PortalAppFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        portal.WithSetting("Auth:Oidc:Authority", Issuer.ToString())
            .WithSetting("Auth:Oidc:ClientId", ClientId)
            .WithSetting("Auth:Oidc:ClientSecret", ClientSecret)
            .WithSetting("Auth:Oidc:DisplayName", "Test IdP")
            .WithSetting("Auth:Oidc:Scopes:0", "profile")
            .WithSetting("Auth:Oidc:Scopes:1", "email")
            .WithSetting("Auth:Oidc:Scopes:2", "groups")
            .WithSetting("Auth:Oidc:RoleClaim", "groups")
            .WithSetting("Auth:Oidc:RoleMap:portal-helpdesk", "Helpdesk")
            .WithSetting("Auth:Oidc:RoleMap:portal-teamlead", "TeamLead")
            .WithSetting("Auth:Oidc:RoleMap:portal-auditors", "Auditor")
            .WithSetting("Auth:Oidc:RoleMap:portal-admins", "Admin")
            .WithSetting("Auth:Oidc:TenantScopeClaim", "tenant_tags")
            .WithSetting("Egress:AllowedNetworks:0", "127.0.0.0/8"); // the provider is on loopback
    }

    /// <summary>Sets (or replaces) an account's claims at the provider; applies from the next sign-in.</summary>
    public void SetAccount(string login, string[] groups, string[]? tenantTags = null, string? name = null)
    {
        lock (_accounts)
        {
            _accounts[login] = new { name = name ?? login, groups, tenant_tags = tenantTags ?? ["*"] };
            WriteAccounts();
        }
    }

    /// <summary>Starts node for the redirect URIs of a portal at <paramref name="portalBase"/> and waits for the discovery document.</summary>
    public async Task StartAsync(Uri portalBase)
    {
        ArgumentNullException.ThrowIfNull(portalBase);
        var folder = Path.Combine(RepositoryRoot(), "tests", "oidc-provider");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"The test OpenID provider's packages are not installed: run 'npm ci' in {folder} (tests/run.sh does this).");
        }

        var start = new ProcessStartInfo("node", "provider.js")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ISSUER"] = Issuer.ToString().TrimEnd('/');
        start.Environment["CLIENT_ID"] = ClientId;
        start.Environment["CLIENT_SECRET"] = ClientSecret;
        start.Environment["REDIRECT_URI"] = new Uri(portalBase, "/signin-oidc").ToString();
        start.Environment["POST_LOGOUT_REDIRECT_URI"] = new Uri(portalBase, "/signout-callback-oidc").ToString();
        start.Environment["ACCOUNTS_FILE"] = AccountsFile;
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("node is not installed (or not on PATH): the single sign-on tests need it to run the test OpenID provider.", ex);
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The test OpenID provider exited ({_process.ExitCode}): {Output}");
            }

            try
            {
                using var discovery = await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/.well-known/openid-configuration"));
                if (discovery.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The test OpenID provider did not publish its discovery document within 30 s: {Output}");
            }

            await Task.Delay(100);
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void WriteAccounts()
    {
        var temp = AccountsFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_accounts));
        File.Move(temp, AccountsFile, overwrite: true); // atomic: the provider never reads half a file
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test binaries.");
    }
}
