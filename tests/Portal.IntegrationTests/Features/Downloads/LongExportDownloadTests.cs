using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Components.Shared.LongWork;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Downloads;
using Portal.Features.Status;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Downloads;

/// <summary>A portal whose clock the test moves, to expire download links without waiting.</summary>
public sealed class DownloadPortal : PortalAppFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// Exports started in a circuit: written with progress to a temporary file, then served once through a user-bound,
/// short-lived link. Each test prepares the file the way the page's LongExport does and downloads it over HTTP.
/// </summary>
public sealed class LongExportDownloadTests : IAsyncLifetime
{
    private const int Rows = 350;
    private const string OtherUser = "other-auditor";
    private const string OtherPassword = "Other!Auditor-Pass-1";
    private readonly DownloadPortal _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static AuditFilter Filter => new() { Action = "test.download" };

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("seeder", Roles.Admin);
        await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteManyAsync(
            [.. Enumerable.Range(0, Rows).Select(i => new AuditEvent("test.download", AuditOutcome.Success, "tenant-1", new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }))], Ct);
        using var users = _portal.Services.CreateScope();
        var manager = users.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var other = new PortalUser { UserName = OtherUser, DisplayName = OtherUser };
        (await manager.CreateAsync(other, OtherPassword)).Succeeded.ShouldBeTrue();
        (await manager.AddToRoleAsync(other, Roles.Auditor)).Succeeded.ShouldBeTrue();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task AuditExport_InTheCircuit_MatchesTheGetEndpoint_ReportsProgress_AndTheLinkWorksOnce()
    {
        var reports = new List<WorkProgress>();
        var download = await PrepareAuditExportAsync(new Synchronous(reports.Add), Ct);
        Directory.GetFiles(_portal.DownloadFolder).Length.ShouldBe(1);
        using var admin = await SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);

        using var first = await admin.GetAsync(download.Url, Ct);
        var prepared = await first.Content.ReadAsStringAsync(Ct);
        var direct = await admin.GetStringAsync("/audit/export.csv?action=test.download", Ct);
        using var second = await admin.GetAsync(download.Url, Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe(download.FileName);
        prepared.ShouldBe(direct);
        prepared.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(Rows + 1); // header and every row
        second.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await second.Content.ReadAsStringAsync(Ct)).ShouldContain("expired or was already used");
        Directory.GetFiles(_portal.DownloadFolder).ShouldBeEmpty(); // deleted once served
        reports[0].ShouldBe(new WorkProgress(0, Rows));
        reports.Select(r => r.Done).ShouldBeInOrder(SortDirection.Ascending);
        reports[^1].ShouldBe(new WorkProgress(Rows, Rows));
    }

    [Fact]
    public async Task Link_RequestedByAnotherUser_IsRefused_AndStillWorksForItsOwner()
    {
        var download = await PrepareAuditExportAsync(null, Ct);
        using var other = await SignInAsync(OtherUser, OtherPassword);
        using var anonymous = _portal.CreatePortalClient();

        using var refused = await other.GetAsync(download.Url, Ct);
        using var unauthenticated = await anonymous.Http.GetAsync(download.Url, Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        unauthenticated.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        using var admin = await SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);
        using var owner = await admin.GetAsync(download.Url, Ct);
        owner.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Link_AfterExpiry_IsRefused_AndTheFileIsDeleted()
    {
        var download = await PrepareAuditExportAsync(null, Ct);
        using var admin = await SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);

        _portal.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using var expired = await admin.GetAsync(download.Url, Ct);

        expired.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Directory.GetFiles(_portal.DownloadFolder).ShouldBeEmpty();
    }

    [Fact]
    public async Task UnclaimedFile_IsDeletedWhenItExpires()
    {
        await PrepareAuditExportAsync(null, Ct);
        var downloads = _portal.Services.GetRequiredService<PreparedDownloads>();

        downloads.RemoveExpired();
        Directory.GetFiles(_portal.DownloadFolder).Length.ShouldBe(1); // not yet expired: kept
        _portal.Clock.Advance(TimeSpan.FromMinutes(5));
        downloads.RemoveExpired();

        Directory.GetFiles(_portal.DownloadFolder).ShouldBeEmpty();
    }

    [Fact]
    public async Task CancelledExport_StopsWhereItWas_AndLeavesNoFile()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reports = new List<WorkProgress>();
        var progress = new Synchronous(p =>
        {
            reports.Add(p);
            if (p.Done >= 100)
            {
                cancellation.Cancel();
            }
        });

        await Should.ThrowAsync<OperationCanceledException>(() => PrepareAuditExportAsync(progress, cancellation.Token));

        reports[^1].Done.ShouldBe(100);
        Directory.GetFiles(_portal.DownloadFolder).ShouldBeEmpty();
    }

    [Fact]
    public async Task StatusExport_InTheCircuit_MatchesTheGetEndpoint()
    {
        var reports = new List<WorkProgress>();
        await using var scope = _portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();
        var download = await _portal.Services.GetRequiredService<PreparedDownloads>().PrepareAsync(await AdminPrincipalAsync(), Roles.Readers, "status.csv", "text/csv; charset=utf-8",
            (stream, ct) => status.ExportCsvAsync(new StatusBoardQuery(), stream, new Synchronous(reports.Add), ct), Ct);
        using var admin = await SignInAsync(PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);

        var prepared = await admin.GetStringAsync(download.Url, Ct);
        var direct = await admin.GetStringAsync("/status/export.csv", Ct);

        prepared.ShouldBe(direct);
        prepared.ShouldContain("Demo Customer");
        reports[^1].Done.ShouldBe(reports[^1].Total!.Value);
        reports[^1].Done.ShouldBeGreaterThan(0);
    }

    private async Task<PreparedDownload> PrepareAuditExportAsync(IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        await using var scope = _portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin);
        var audit = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
        return await _portal.Services.GetRequiredService<PreparedDownloads>().PrepareAsync(await AdminPrincipalAsync(), Roles.Readers, "audit-test.csv", "text/csv; charset=utf-8",
            (stream, ct) => audit.ExportCsvAsync(Filter, stream, progress, ct), cancellationToken);
    }

    /// <summary>The admin as the circuit sees them: the Identity user id the sign-in cookie carries.</summary>
    private async Task<ClaimsPrincipal> AdminPrincipalAsync()
    {
        using var scope = _portal.Services.CreateScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(PortalAppFactory.AdminUserName);
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, admin!.Id), new Claim(ClaimTypes.Name, admin.UserName!), new Claim(ClaimTypes.Role, Roles.Admin)], "Test"));
    }

    private async Task<HttpClient> SignInAsync(string userName, string password)
    {
        var client = _portal.CreatePortalClient();
        using var response = await client.SignInAsync(userName, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client.Http;
    }

    private sealed class Synchronous(Action<WorkProgress> onReport) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => onReport(value);
    }
}
