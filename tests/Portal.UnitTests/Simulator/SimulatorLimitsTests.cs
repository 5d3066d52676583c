using Microsoft.Extensions.Time.Testing;
using Portal.Simulator;

namespace Portal.UnitTests.Simulator;

/// <summary>Every in-memory map of the simulator stays within its <see cref="SimulatorLimits"/>.</summary>
public sealed class SimulatorLimitsTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));

    private SimulatorState State(SimulatorLimits limits) => new(_clock, limits);

    private static SimIssuedToken Issue(SimulatorState state, TimeSpan lifetime) =>
        state.IssueToken(SimTokenKind.Uem, SimulatorDemo.TenantRegion, SimulatorDemo.TenantHostKey, SimulatorDemo.ClientId, lifetime);

    [Fact]
    public void Defaults_CoverTheSweepBenchmark()
    {
        // SweepScenario creates one client per portal tenant (1,000+) in the demo tenant and a token for each.
        SimulatorLimits.Default.MaxClientsPerTenant.ShouldBeGreaterThanOrEqualTo(20_000);
        SimulatorLimits.Default.MaxTokens.ShouldBeGreaterThanOrEqualTo(50_000);
    }

    [Fact]
    public void IssueToken_AtTheCap_DropsExpiredTokensBeforeValidOnes()
    {
        var state = State(new SimulatorLimits { MaxTokens = 5, ExpiredTokenRetention = TimeSpan.Zero });
        var expired = new[] { Issue(state, TimeSpan.Zero), Issue(state, TimeSpan.Zero) };
        var valid = Enumerable.Range(0, 3).Select(_ => Issue(state, Hour)).ToList();

        valid.AddRange(Enumerable.Range(0, 2).Select(_ => Issue(state, Hour)));

        state.IssuedTokenValues.Count.ShouldBe(5);
        state.IssuedTokenValues.ShouldBe(valid.Select(t => t.Value), ignoreOrder: true);
        expired.ShouldAllBe(t => state.FindToken(t.Value) == null);
    }

    [Fact]
    public void IssueToken_PastTheCapWithNoneExpired_DropsTheEarliestExpiring()
    {
        var state = State(new SimulatorLimits { MaxTokens = 4 });
        var shortLived = Issue(state, TimeSpan.FromMinutes(5));
        var longLived = Enumerable.Range(1, 3).Select(i => Issue(state, i * Hour)).ToList();

        var newest = Enumerable.Range(0, 3).Select(_ => Issue(state, 4 * Hour)).ToList();

        state.IssuedTokenValues.Count.ShouldBe(4);
        state.FindToken(shortLived.Value).ShouldBeNull();
        state.FindToken(longLived[0].Value).ShouldBeNull();
        state.FindToken(longLived[1].Value).ShouldBeNull();
        state.FindToken(longLived[2].Value).ShouldNotBeNull();
        newest.ShouldAllBe(t => state.FindToken(t.Value) != null);
    }

    [Fact]
    public void IssueToken_ManyPastASmallCap_NeverHoldsMore()
    {
        var state = State(new SimulatorLimits { MaxTokens = 10 });

        for (var i = 0; i < 100; i++)
        {
            Issue(state, Hour + TimeSpan.FromSeconds(i));
            state.IssuedTokenValues.Count.ShouldBeLessThanOrEqualTo(10);
        }
    }

    [Fact]
    public void IssueToken_TokenExpiredWithinTheRetention_StillKnownSoItAnswersExpired()
    {
        var state = State(new SimulatorLimits { MaxTokens = 10, ExpiredTokenRetention = Hour });
        var old = Issue(state, TimeSpan.FromMinutes(1));

        _clock.Advance(TimeSpan.FromMinutes(30));
        Issue(state, Hour);
        var keptWhileRecent = state.FindToken(old.Value);
        _clock.Advance(TimeSpan.FromMinutes(40));
        Issue(state, Hour);

        keptWhileRecent.ShouldNotBeNull();
        state.FindToken(old.Value).ShouldBeNull(); // expired 69 minutes ago, past the hour of retention
    }

    [Fact]
    public void RecordRequest_MorePathsThanTheCap_CountsTheRestUnderOtherPaths()
    {
        var state = State(new SimulatorLimits { MaxRequestLogPaths = 3 });

        foreach (var path in (string[])["/a", "/b", "/c", "/d", "/e", "/a", "/d"])
        {
            state.RecordRequest("GET", path);
        }

        var log = state.RequestLog;
        log.Count.ShouldBe(4);
        log["GET /a"].ShouldBe(2);
        log["GET /b"].ShouldBe(1);
        log["GET /c"].ShouldBe(1);
        log[SimulatorLimits.OtherPathsKey].ShouldBe(3);
        log.Values.Sum().ShouldBe(7);
    }

    [Fact]
    public void RecordRequestDetail_MoreThanTheCap_KeepsTheNewest()
    {
        var state = State(new SimulatorLimits { MaxRecentRequests = 2 });

        foreach (var path in (string[])["/1", "/2", "/3"])
        {
            state.RecordRequestDetail(new SimRequestRecord("GET", path, [], null, false, null));
        }

        state.RecentRequests.Select(r => r.Path).ShouldBe(["/2", "/3"]);
    }

    [Fact]
    public void CreateClient_PastTheCap_RefusedWithAClearMessage()
    {
        var seeded = new SimulatorState(_clock).FindTenant(SimulatorDemo.TenantHostKey)!.Clients.Count;
        var state = State(new SimulatorLimits { MaxClientsPerTenant = seeded + 1 });
        state.CreateClient(SimulatorDemo.TenantHostKey, "fits", "", null, SimulatorDemo.FullRole);

        var refused = Should.Throw<SimulatorLimitExceededException>(() =>
            state.CreateClient(SimulatorDemo.TenantHostKey, "one too many", "", null, SimulatorDemo.FullRole));

        refused.Message.ShouldBe($"Tenant '{SimulatorDemo.TenantHostKey}' already has {seeded + 1} OAuth clients, the simulator's limit. Reset the simulator to start again.");
        state.FindTenant(SimulatorDemo.TenantHostKey)!.Clients.Count.ShouldBe(seeded + 1);
        state.FindClientAnywhere(SimulatorDemo.ClientId).ShouldNotBeNull();
    }

    [Fact]
    public void CreateClient_AfterReset_AllowedAgain()
    {
        var seeded = new SimulatorState(_clock).FindTenant(SimulatorDemo.TenantHostKey)!.Clients.Count;
        var state = State(new SimulatorLimits { MaxClientsPerTenant = seeded + 1 });
        state.CreateClient(SimulatorDemo.TenantHostKey, "fits", "", null, SimulatorDemo.FullRole);

        state.Reset();

        Should.NotThrow(() => state.CreateClient(SimulatorDemo.TenantHostKey, "fits again", "", null, SimulatorDemo.FullRole));
    }

    [Fact]
    public void RecordCommand_MoreThanTheCap_KeepsTheNewestInOrder()
    {
        var state = State(new SimulatorLimits { MaxCommandsPerTenant = 3 });
        var tenant = state.FindTenant(SimulatorDemo.TenantHostKey)!;

        for (var device = 1; device <= 5; device++)
        {
            state.RecordCommand(tenant, new SimCommand(device, "Lock", SimulatorDemo.ClientId, _clock.GetUtcNow()));
        }

        state.Commands(SimulatorDemo.TenantHostKey).Select(c => c.DeviceId).ShouldBe([3, 4, 5]);
    }

    [Fact]
    public void AddFault_PastTheCap_RefusedUntilCleared()
    {
        var state = State(new SimulatorLimits { MaxFaults = 2 });
        state.AddFault(new SimFault { Kind = SimFaultKind.RateLimit });
        state.AddFault(new SimFault { Kind = SimFaultKind.ServerError });

        var refused = Should.Throw<SimulatorLimitExceededException>(() => state.AddFault(new SimFault { Kind = SimFaultKind.Latency }));
        state.ClearFaults();
        state.AddFault(new SimFault { Kind = SimFaultKind.Latency });

        refused.Message.ShouldContain("2 faults are already injected");
        state.TakeFault(SimFaultTarget.UemApi, null, null, _ => true)!.Kind.ShouldBe(SimFaultKind.Latency);
    }
}
