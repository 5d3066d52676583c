using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Hosting;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.Features.Setup.Demo;

/// <summary>What the user pastes into Intelligence's Workspace ONE UEM integration form (Auth Type OAuth2).</summary>
public sealed record IntelligenceIntegrationForm(string ApiUrl, string TokenUrl, string ClientId, string ClientSecret, string? TenantCode);

/// <summary>The seed's test workflow: manual trigger, one device by normalised serial, antivirus not Pass, UEM Lock Device.</summary>
public sealed record IntelligenceAutomation(string Name, string SerialNumber);

/// <summary>The integration as Intelligence shows it; never the secret.</summary>
public sealed record IntelligenceIntegrationView(string ApiUrl, string TokenUrl, string ClientId, bool HasTenantCode, bool Authorised, string Message, DateTimeOffset At);

/// <summary>One line of the automation's Activity tab.</summary>
public sealed record IntelligenceActivity(DateTimeOffset At, string Workflow, string Trigger, string Device, bool Succeeded, string Result);

public sealed record IntelligenceConsoleResult(bool Succeeded, string Message);

/// <summary>Simulated Intelligence's memory, per portal tenant (it is reset with the portal, like the simulator).</summary>
public sealed class SimulatedIntelligenceState
{
    private const int MaxActivity = 50;

    internal ConcurrentDictionary<int, (IntelligenceIntegrationView View, UemConnection Connection, string UemTenant)> Integrations { get; } = new();

    internal ConcurrentDictionary<int, ConcurrentQueue<IntelligenceActivity>> Activity { get; } = new();

    internal void Record(int tenantId, IntelligenceActivity entry)
    {
        var log = Activity.GetOrAdd(tenantId, _ => new());
        log.Enqueue(entry);
        while (log.Count > MaxActivity && log.TryDequeue(out _))
        {
        }
    }
}

/// <summary>
/// Plays Intelligence's side for demos and training: the Workspace ONE UEM integration form and a test automation.
/// "Authorise" exchanges the pasted values at the simulated UEM token service and calls UEM with them; "Run" sends the
/// Lock through the simulated UEM REST API as the authorised client. Every call is real HTTP through the portal's
/// egress-guarded UEM clients, and only to this portal's own simulator: a pasted URL anywhere else is refused before
/// anything is sent. Demo mode only, for simulated tenants in the user's scope.
/// </summary>
public sealed class SimulatedIntelligenceConsole(
    SimulatedIntelligenceState memory,
    SimulatorState simulator,
    UemTokenClient tokenClient,
    UemApiClient uem,
    DemoAddress demoAddress,
    IOptions<SimulatorOptions> simulatorOptions,
    IDbContextFactory<PortalDbContext> dbFactory,
    TenantScope scope,
    CurrentUser currentUser,
    TimeProvider clock)
{
    public const string AntivirusGood = "Pass";

    public async Task<bool> CanUseAsync(int tenantId, CancellationToken ct)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Helpdesk, Roles.Admin);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await filter.Apply(db.Set<Tenant>().AsNoTracking()).AnyAsync(t => t.Id == tenantId && t.UemRegion!.Kind == RegionKind.Simulated, ct);
    }

    public IntelligenceIntegrationView? Integration(int tenantId) => memory.Integrations.TryGetValue(tenantId, out var i) ? i.View : null;

    public IReadOnlyList<IntelligenceActivity> Activity(int tenantId) =>
        memory.Activity.TryGetValue(tenantId, out var log) ? [.. log.Reverse()] : [];

    public async Task<IntelligenceConsoleResult> AuthoriseAsync(int tenantId, IntelligenceIntegrationForm form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!await CanUseAsync(tenantId, ct))
        {
            return new(false, "The simulated Intelligence console works only for simulated tenants in your scope.");
        }

        if (Validate(form) is { } invalid)
        {
            return new(false, invalid);
        }

        var connection = new UemConnection(new Uri(form.TokenUrl.Trim()), new Uri(form.ApiUrl.Trim()), form.ClientId.Trim(), SecretString.Create(form.ClientSecret),
            string.IsNullOrWhiteSpace(form.TenantCode) ? null : SecretString.Create(form.TenantCode));
        string message;
        string uemTenant;
        try
        {
            // Intelligence's "Authorise": a real token exchange, then one UEM call with the client.
            var token = await tokenClient.RequestTokenAsync(connection.TokenUrl, connection.ClientId, connection.ClientSecret, connection.AuthStyle, ct);
            uemTenant = simulator.FindToken(token.AccessToken.Reveal())?.TenantHostKey ?? "";
            var info = await uem.GetSystemInfoAsync(connection, ct);
            message = $"Authorised: Workspace ONE UEM {info.ProductVersion} answered.";
        }
        catch (IntegrationException ex)
        {
            message = ex.Stage == IntegrationStage.Token
                ? $"Unable to authorise: the token service refused the credentials ({ex.ErrorCode ?? "HTTP " + ex.StatusCode}). Check the token URL, client ID and secret."
                : $"Unable to authorise: UEM refused the call (HTTP {ex.StatusCode}{(ex.ErrorCode is null ? "" : ", error " + ex.ErrorCode)}).";
            memory.Integrations.TryRemove(tenantId, out _);
            return new(false, message);
        }

        var view = new IntelligenceIntegrationView(connection.RestApiUrl.ToString(), connection.TokenUrl.ToString(), connection.ClientId, connection.ApiKey is not null, true, message, clock.GetUtcNow());
        memory.Integrations[tenantId] = (view, connection, uemTenant);
        return new(true, message);
    }

    /// <summary>"Run" on a manual workflow: devices matching the filter and condition get UEM's Lock Device as the authorised client.</summary>
    public async Task<IntelligenceConsoleResult> RunAsync(int tenantId, IntelligenceAutomation automation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(automation);
        if (!await CanUseAsync(tenantId, ct))
        {
            return new(false, "The simulated Intelligence console works only for simulated tenants in your scope.");
        }

        if (!memory.Integrations.TryGetValue(tenantId, out var integration))
        {
            return new(false, "The Workspace ONE UEM integration is not authorised: set it up under Integrations first.");
        }

        var serial = Normalise(automation.SerialNumber);
        if (serial.Length == 0)
        {
            return new(false, "Filter: enter the test device's serial number.");
        }

        var name = string.IsNullOrWhiteSpace(automation.Name) ? "Lock test device" : automation.Name.Trim();
        // Intelligence filters on its own copy of UEM's device data; here that copy is the simulator's tenant data.
        var device = simulator.FindTenant(integration.UemTenant)?.Devices.FirstOrDefault(d => Normalise(d.SerialNumber) == serial);
        if (device is null || string.Equals(device.AntivirusStatus, AntivirusGood, StringComparison.OrdinalIgnoreCase))
        {
            var why = device is null ? $"no device has serial number {serial}" : $"{serial}'s antivirus status is {AntivirusGood}";
            memory.Record(tenantId, new(clock.GetUtcNow(), name, "Manual", serial, false, $"Condition not met: {why}. No action ran."));
            return new(false, $"Condition not met: {why}.");
        }

        string result;
        var succeeded = false;
        try
        {
            await uem.LockDeviceAsync(integration.Connection, device.Id, ct);
            (succeeded, result) = (true, "Workspace ONE UEM → Lock Device: accepted (202).");
        }
        catch (IntegrationException ex)
        {
            result = $"Workspace ONE UEM → Lock Device failed: HTTP {ex.StatusCode}{(ex.ErrorCode is null ? "" : ", error " + ex.ErrorCode)}.";
        }

        memory.Record(tenantId, new(clock.GetUtcNow(), name, "Manual", serial, succeeded, result));
        return new(succeeded, result);
    }

    /// <summary>"Serial Number (normalized)": trimmed, upper case.</summary>
    public static string Normalise(string? serial) => (serial ?? "").Trim().ToUpperInvariant();

    /// <summary>Field-named checks; both URLs must point at this portal's own simulator (no other host is ever called).</summary>
    private string? Validate(IntelligenceIntegrationForm form)
    {
        var simulatorBase = new Uri(demoAddress.BaseUrl, simulatorOptions.Value.PathPrefix.TrimEnd('/') + "/");
        string? Url(string field, string value) =>
            !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                ? $"{field}: paste the full address, starting with http:// or https://."
                : !simulatorBase.IsBaseOf(new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/")) || uri.UserInfo.Length > 0
                    ? $"{field}: the simulated Intelligence only talks to this portal's simulator ({simulatorBase}); paste the value the runbook shows."
                    : null;

        return Url("API URL", form.ApiUrl) ?? Url("Token URL", form.TokenUrl)
            ?? (string.IsNullOrWhiteSpace(form.ClientId) ? "Client ID: paste the OAuth client's ID." : null)
            ?? (string.IsNullOrWhiteSpace(form.ClientSecret) ? "Client Secret: paste the OAuth client's secret." : null);
    }
}
