using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Setup;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

/// <summary>
/// The portal against UEM's real behaviour as the simulator reproduces it over HTTP: 204 from empty searches, the
/// device lookup by serial number in a large fleet, and the X-RateLimit-* headers (reading, warning, 429 without Retry-After).
/// </summary>
public sealed class UemFidelityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A plain GET to the simulated tenant with the demo client's token: what UEM itself answers, no portal client in between.</summary>
    private static async Task<HttpResponseMessage> RawGetAsync(IntegrationsTestPortal harness, string pathAndQuery)
    {
        var token = await harness.Tokens.GetTokenAsync(harness.DemoConnection(), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(harness.Simulator.BaseUri, $"tenants/{SimulatorDemo.TenantHostKey}/API/{pathAndQuery}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value.Reveal());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var http = new HttpClient();
        return await http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task SearchOrganizationGroups_NoMatch_UemAnswers204_ClientReturnsNoResults()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using (var raw = await RawGetAsync(harness, "system/groups/search?groupid=NO-SUCH-GROUP"))
        {
            raw.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var result = await harness.Api.SearchOrganizationGroupsAsync(harness.DemoConnection(), "NO-SUCH-GROUP", Ct);

        result.OrganizationGroups.ShouldNotBeNull().ShouldBeEmpty();
        result.TotalResults.ShouldBe(0);
    }

    [Fact]
    public async Task Verify_GroupIdWithNoMatch_SaysGroupNotFound_NotMalformedJson()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        var results = await harness.Verifier.VerifyAsync(harness.DemoConnection() with { OrganizationGroupId = "NO-SUCH-GROUP" }, new UemVerifyOptions(), Ct);

        var failure = results.Where(r => !r.Ok).ShouldHaveSingleItem();
        failure.Cause.ShouldBe(FailureCause.OrganizationGroupNotFound);
        failure.Summary.ShouldContain("NO-SUCH-GROUP");
    }

    [Fact]
    public async Task SearchDevices_NoMatch_UemAnswers204_ClientReturnsNoResults()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        using (var raw = await RawGetAsync(harness, "mdm/devices/search?user=nobody"))
        {
            raw.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var result = await harness.Api.SearchDevicesAsync(harness.DemoConnection(), new UemDeviceQuery(User: "nobody"), Ct);

        result.Devices.ShouldNotBeNull().ShouldBeEmpty();
        result.Total.ShouldBe(0);
    }

    [Fact]
    public async Task EverySearch_204NoContent_IsNoResults_NotMalformedResponse()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        harness.State.AddFault(new SimFault { Kind = SimFaultKind.NoContent, Target = SimFaultTarget.UemApi, Remaining = 4 });

        (await harness.Api.SearchOrganizationGroupsAsync(connection, SimulatorDemo.GroupId, Ct)).OrganizationGroups.ShouldNotBeNull().ShouldBeEmpty();
        var keys = await harness.Api.GetApiKeysAsync(connection, SimulatorDemo.OrganizationGroupUuid, Ct);
        keys.ApiKeys.ShouldNotBeNull().ShouldBeEmpty();
        keys.OAuthClients.ShouldNotBeNull().ShouldBeEmpty();
        (await harness.Api.SearchDevicesAsync(connection, new UemDeviceQuery(), Ct)).Devices.ShouldNotBeNull().ShouldBeEmpty();
        (await harness.Api.FindDeviceBySerialNumberAsync(connection, "C02DEMO0002", Ct)).ShouldBeNull();

        // All four 204s were really sent: the fault is used up, so the next call gets UEM's normal answer.
        (await harness.Api.SearchOrganizationGroupsAsync(connection, SimulatorDemo.GroupId, Ct)).OrganizationGroups.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task StatusProbe_TenantWithNoDevices_DeviceSearchPassesWithNone()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.FindTenant(SimulatorDemo.TenantHostKey)!.Devices.Clear(); // UEM now answers devices/search with 204

        var results = await harness.Verifier.VerifyAsync(harness.DemoConnection(), new UemVerifyOptions(IncludeDeviceSearch: true), Ct);

        results.ShouldAllBe(r => r.Ok);
        results.Single(r => r.Uem == UemCheck.DeviceSearch).Summary.ShouldBe("Role can read devices (0 in total).");
    }

    [Fact]
    public async Task FindDeviceBySerialNumber_TestDeviceAmong20000_FoundWithOneRequest_WherePagingStopsAt10000()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        harness.State.AddGeneratedDevices(SimulatorDemo.TenantHostKey, 20_000);
        const string serial = "FLEET015000"; // the 15,004th device: beyond the 10,000 that devices/search returns
        await harness.Tokens.GetTokenAsync(connection, Ct);
        harness.State.ClearRequestLog();

        var device = await harness.Api.FindDeviceBySerialNumberAsync(connection, serial, Ct);

        device.ShouldNotBeNull();
        device.SerialNumber.ShouldBe(serial);
        device.Id!.Value.ShouldBe(SimulatorState.GeneratedDeviceIdBase + 15_000);
        harness.State.RequestLog.Where(r => r.Key.Contains("/API/", StringComparison.Ordinal)).ShouldHaveSingleItem()
            .ShouldBe(new KeyValuePair<string, int>($"GET /tenants/{SimulatorDemo.TenantHostKey}/API/mdm/devices", 1));

        // The old way: paging devices/search runs dry at 10,000 results and never reaches the device.
        var pastTheCap = await harness.Api.SearchDevicesAsync(connection, new UemDeviceQuery(Page: 20, PageSize: 500), Ct);
        pastTheCap.Devices.ShouldNotBeNull().ShouldBeEmpty();
        (await harness.Api.SearchDevicesAsync(connection, new UemDeviceQuery(Page: 19, PageSize: 500), Ct)).Devices!.ShouldNotContain(d => d.SerialNumber == serial);
    }

    [Fact]
    public async Task FindDeviceBySerialNumber_UnknownSerial_IsNull()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);

        (await harness.Api.FindDeviceBySerialNumberAsync(harness.DemoConnection(), "NOT-A-SERIAL", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task LockTestDevice_DeviceBeyondTheSearchCap_IsFoundBySerialAndLocked()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        harness.State.AddGeneratedDevices(SimulatorDemo.TenantHostKey, 20_000);
        await using var scope = harness.Services.CreateAsyncScope();
        var verifier = scope.ServiceProvider.GetRequiredService<ISetupVerifier>();

        var report = await verifier.LockTestDeviceAsync(harness.DemoConnection(), "FLEET019999", _ => Task.FromResult(true), Ct);

        report.Lines.ShouldAllBe(l => l.Passed);
        report.Lines[0].Summary.ShouldContain($"id {SimulatorState.GeneratedDeviceIdBase + 19_999}");
        harness.State.Commands(SimulatorDemo.TenantHostKey).ShouldContain(c => c.DeviceId == SimulatorState.GeneratedDeviceIdBase + 19_999 && c.Command == "Lock");
        harness.State.CountRequests("/API/mdm/devices/search").ShouldBe(0);
    }

    [Fact]
    public async Task EveryRestResponse_CarriesRateLimitHeaders_AndTheClientReadsThem()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        harness.State.SetApiRateLimit(SimulatorDemo.TenantHostKey, 1000, TimeSpan.FromDays(1));

        await harness.Api.GetSystemInfoAsync(connection, Ct);
        var reading = harness.Services.GetRequiredService<UemRateLimits>().Latest(connection.ApiBase);

        reading.ShouldNotBeNull();
        reading.Limit.ShouldBe(1000);
        reading.Remaining.ShouldBe(999);
        reading.ResetAt.ShouldNotBeNull().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        reading.ResetAt.Value.ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow.AddDays(1));

        // Errors carry them too (here a 401 for a bad token).
        using var http = new HttpClient();
        using var unauthorised = await http.GetAsync(new Uri(harness.Simulator.BaseUri, $"tenants/{SimulatorDemo.TenantHostKey}/API/system/info"), Ct);
        unauthorised.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unauthorised.Headers.GetValues("X-RateLimit-Limit").ShouldHaveSingleItem().ShouldBe("1000");
        unauthorised.Headers.GetValues("X-RateLimit-Remaining").ShouldHaveSingleItem().ShouldBe("998");
        long.Parse(unauthorised.Headers.GetValues("X-RateLimit-Reset").Single(), CultureInfo.InvariantCulture).ShouldBe(reading.ResetAt.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Verify_FewCallsLeft_WarnsInTheChecksAndTheWizardReport()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(new Dictionary<string, string?> { ["Integrations:RateLimit:WarnWhenRemainingPercentAtMost"] = "25" }, cancellationToken: Ct);
        var connection = harness.DemoConnection();
        harness.State.SetApiRateLimit(SimulatorDemo.TenantHostKey, 10, TimeSpan.FromDays(1));

        var plenty = await harness.Verifier.VerifyAsync(connection, new UemVerifyOptions(IncludeDeviceSearch: true), Ct); // 4 calls: 6 of 10 left
        plenty.ShouldAllBe(r => r.Ok && !r.IsWarning);

        await using var scope = harness.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<ISetupVerifier>().VerifyUemEndToEndAsync(connection, Ct); // 4 more: 2 of 10 left

        var warning = report.Lines.Where(l => l.Layer == UemConnectionVerifier.RateLimitCheck).ShouldHaveSingleItem();
        warning.Passed.ShouldBeTrue(); // a warning, not a failure: the connection works
        warning.Summary.ShouldStartWith("Only 2 of 10 UEM API calls remain until ");
        warning.Fix.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task RateLimited_429WithoutRetryAfter_RetriesOnlyOnceTheWindowHasReset()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        // One call per 3-second window (the tests' Retry-After cap is 3 s): the next call in the window gets 429.
        harness.State.SetApiRateLimit(SimulatorDemo.TenantHostKey, 1, TimeSpan.FromSeconds(3));
        DateTimeOffset? resetAt = null;
        for (var attempt = 0; attempt < 10 && resetAt is null; attempt++)
        {
            using var raw = await RawGetAsync(harness, "system/info");
            if (raw.StatusCode == HttpStatusCode.TooManyRequests)
            {
                raw.Headers.RetryAfter.ShouldBeNull(); // as UEM: the reset time is the only advice
                resetAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(raw.Headers.GetValues("X-RateLimit-Reset").Single(), CultureInfo.InvariantCulture));
            }
        }

        resetAt.ShouldNotBeNull("the simulator never answered 429");

        // The window is used up: the client's call is refused, waits for X-RateLimit-Reset, and succeeds on the retry.
        // Without the Reset its retries (20 ms backoff) would all land in the same window and fail with 429.
        var info = await harness.Api.GetSystemInfoAsync(connection, Ct);

        info.ProductName.ShouldBe("Workspace ONE UEM");
        DateTimeOffset.UtcNow.ShouldBeGreaterThanOrEqualTo(resetAt.Value);
    }

    [Fact]
    public async Task RateLimited_ResetBeyondTheRetryCap_FailsAtOnceAndSaysWhenToComeBack()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        harness.State.SetApiRateLimit(SimulatorDemo.TenantHostKey, 1, TimeSpan.FromDays(1));
        await harness.Api.GetSystemInfoAsync(connection, Ct);

        var failure = (await harness.Verifier.VerifyAsync(connection, new UemVerifyOptions(), Ct)).Where(r => !r.Ok).ShouldHaveSingleItem();

        failure.Cause.ShouldBe(FailureCause.RateLimited);
        failure.Evidence!.StatusCode.ShouldBe(429);
        var nextWindow = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 86_400 + 1) * 86_400);
        failure.Evidence.RetryAt.ShouldBe(nextWindow);
        harness.State.CountRequests("/API/system/info").ShouldBe(2); // not retried: the wait is beyond the cap
    }
}
