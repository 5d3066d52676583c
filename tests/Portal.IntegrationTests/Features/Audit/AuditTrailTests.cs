using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Audit;

/// <summary>Each recorded action produces exactly one entry with the right fields.</summary>
public sealed class AuditTrailTests(SharedPortal portal)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_SuccessFailureAndLockout_EachWriteOneEntry()
    {
        var user = await CreateUserAsync("audit-signin", Roles.Helpdesk);
        using var client = portal.CreatePortalClient();

        await client.SignInAsync(user, "wrong-password-x");
        await client.SignInAsync(user, TestPassword);

        var failed = await EntriesAsync(user, AuditActions.SignInFailed);
        var succeeded = await EntriesAsync(user, AuditActions.SignInSucceeded);
        failed.ShouldHaveSingleItem().Outcome.ShouldBe(AuditOutcome.Failure);
        failed[0].SourceIp.ShouldBe("127.0.0.1");
        failed[0].DetailsJson.ShouldContain("wrong user name or password");
        succeeded.ShouldHaveSingleItem().Outcome.ShouldBe(AuditOutcome.Success);
        succeeded[0].CorrelationId.ShouldNotBeNullOrEmpty();
        succeeded[0].DetailsJson.ShouldNotContain(TestPassword);

        var locked = await CreateUserAsync("audit-lockout", Roles.Helpdesk);
        for (var i = 0; i < 6; i++)
        {
            await client.SignInAsync(locked, $"wrong-{i}-password");
        }

        // Attempts 1-4 fail; the 5th failure locks the account, so it and every later attempt is a lockout refusal.
        (await EntriesAsync(locked, AuditActions.SignInFailed)).Count.ShouldBe(4);
        var lockouts = await EntriesAsync(locked, AuditActions.SignInLockedOut);
        lockouts.Count.ShouldBe(2);
        lockouts.ShouldAllBe(e => e.Outcome == AuditOutcome.Denied);
    }

    [Fact]
    public async Task UserAdministration_EachChange_WritesOneEntryWithOldAndNewValues()
    {
        await using var scope = portal.Services.ScopeFor("audit-admin", Roles.Admin);
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();

        (await admin.CreateAsync(new CreateUserModel { UserName = "audit-target", DisplayName = "Target", Roles = [Roles.Helpdesk] }, Ct)).Succeeded.ShouldBeTrue();
        var id = (await admin.ListAsync(Ct)).Single(u => u.UserName == "audit-target").Id;
        (await admin.SetRolesAsync(id, [Roles.Auditor], Ct)).Succeeded.ShouldBeTrue();
        (await admin.SetDisabledAsync(id, true, Ct)).Succeeded.ShouldBeTrue();
        (await admin.SetDisabledAsync(id, false, Ct)).Succeeded.ShouldBeTrue();
        var reset = await admin.ResetPasswordAsync(id, Ct);

        var created = (await EntriesAsync("audit-admin", AuditActions.UserCreated)).ShouldHaveSingleItem();
        created.ActorRoles.ShouldBe(Roles.Admin);
        created.DetailsJson.ShouldContain("\"user\":\"audit-target\"");
        var roles = (await EntriesAsync("audit-admin", AuditActions.UserRolesChanged)).ShouldHaveSingleItem();
        roles.DetailsJson.ShouldContain("\"old\":\"Helpdesk\"");
        roles.DetailsJson.ShouldContain("\"new\":\"Auditor\"");
        (await EntriesAsync("audit-admin", AuditActions.UserDisabled)).ShouldHaveSingleItem();
        (await EntriesAsync("audit-admin", AuditActions.UserEnabled)).ShouldHaveSingleItem();
        var resetEntry = (await EntriesAsync("audit-admin", AuditActions.UserPasswordReset)).ShouldHaveSingleItem();
        resetEntry.DetailsJson.ShouldNotContain(reset.OneTimePassword!); // the one-time password is never recorded
    }

    [Fact]
    public async Task ServerRoleCheck_Refused_WritesAccessDeniedEntry()
    {
        await using var scope = portal.Services.ScopeFor("audit-sneaky", Roles.Helpdesk);

        await Should.ThrowAsync<PortalAccessDeniedException>(() => scope.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync(Ct));

        var denied = (await EntriesAsync("audit-sneaky", AuditActions.AccessDenied)).ShouldHaveSingleItem();
        denied.Outcome.ShouldBe(AuditOutcome.Denied);
        denied.DetailsJson.ShouldContain("Admin");
    }

    [Fact]
    public async Task AdminPage_HelpdeskOverHttp_WritesAccessDeniedWithThePath()
    {
        var user = await CreateUserAsync("audit-denied-http", Roles.Helpdesk);
        using var client = portal.CreatePortalClient();
        await client.SignInAsync(user, TestPassword);

        var response = await client.Http.GetAsync("/admin/users", Ct);
        await client.Http.GetAsync(response.Headers.Location, Ct);

        (await EntriesAsync(user, AuditActions.AccessDenied)).ShouldHaveSingleItem().DetailsJson.ShouldContain("/admin/users");
    }

    [Fact]
    public async Task ExportCsv_Auditor_StreamsFilteredRowsAndIsAudited()
    {
        var auditor = await CreateUserAsync("audit-exporter", Roles.Auditor);
        using var client = portal.CreatePortalClient();
        await client.SignInAsync(auditor, TestPassword);

        var response = await client.Http.GetAsync($"/audit/export.csv?actor={auditor}&action={AuditActions.SignInSucceeded}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("Id,TimestampUtc,Actor");
        lines.Length.ShouldBe(2);
        lines[1].ShouldContain(AuditActions.SignInSucceeded);
        var exported = (await EntriesAsync(auditor, AuditActions.AuditExported)).ShouldHaveSingleItem();
        exported.DetailsJson.ShouldContain("\"format\":\"csv\"");
    }

    [Fact]
    public async Task ExportCsv_Anonymous_IsRedirectedToSignIn()
    {
        using var client = portal.CreatePortalClient();

        var response = await client.Http.GetAsync("/audit/export.csv", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task Query_HelpdeskUser_SeesOnlyOwnActions()
    {
        var helpdesk = await CreateUserAsync("audit-own-only", Roles.Helpdesk);
        using (var client = portal.CreatePortalClient())
        {
            await client.SignInAsync(helpdesk, TestPassword);
        }

        await using var scope = portal.Services.ScopeFor(helpdesk, Roles.Helpdesk);
        var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().QueryAsync(new AuditFilter { Actor = "admin" }, cancellationToken: Ct);

        page.Entries.ShouldNotBeEmpty();
        page.Entries.ShouldAllBe(e => e.Actor == helpdesk);
    }

    [Fact]
    public async Task Query_KeysetCursors_WalkOlderAndBackNewerWithoutGapsOrOverlap()
    {
        await using var scope = portal.Services.ScopeFor("audit-pager", Roles.Auditor);
        var sink = scope.ServiceProvider.GetRequiredService<IAuditSink>();
        for (var i = 0; i < 120; i++)
        {
            await sink.WriteAsync(new AuditEvent("test.paging", AuditOutcome.Success, "tenant-paging"), Ct);
        }

        var query = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
        var filter = new AuditFilter { Action = "test.paging" };
        var first = await query.QueryAsync(filter, cancellationToken: Ct);
        var second = await query.QueryAsync(filter, olderThanId: first.OlderThanId, cancellationToken: Ct);
        var third = await query.QueryAsync(filter, olderThanId: second.OlderThanId, cancellationToken: Ct);
        var backToSecond = await query.QueryAsync(filter, newerThanId: third.NewerThanId, cancellationToken: Ct);

        first.Entries.Count.ShouldBe(50);
        first.HasNewer.ShouldBeFalse();
        second.Entries.Count.ShouldBe(50);
        third.Entries.Count.ShouldBe(20);
        third.HasOlder.ShouldBeFalse();
        var all = first.Entries.Concat(second.Entries).Concat(third.Entries).Select(e => e.Id).ToList();
        all.ShouldBe(all.OrderByDescending(id => id).Distinct().ToList());
        backToSecond.Entries.Select(e => e.Id).ShouldBe(second.Entries.Select(e => e.Id));
    }

    [Fact]
    public async Task Query_OlderPage_ReusesTheFirstPagesCompiledQuery()
    {
        await using var scope = portal.Services.ScopeFor("audit-shape", Roles.Auditor);
        var sink = scope.ServiceProvider.GetRequiredService<IAuditSink>();
        for (var i = 0; i < 60; i++)
        {
            await sink.WriteAsync(new AuditEvent("test.shape", AuditOutcome.Failure, "tenant-shape"), Ct);
        }

        // A filter shape (actor, action, outcome and tenant together) no other test queries, so the compilations counted are this test's.
        var query = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
        var filter = new AuditFilter { Actor = "audit-shape", Action = "test.shape", Outcome = AuditOutcome.Failure, TenantId = "tenant-shape" };
        using var compilations = new AuditShapeCompilations();
        var first = await query.QueryAsync(filter, cancellationToken: Ct);
        var compiledForFirst = compilations.Count;
        var older = await query.QueryAsync(filter, olderThanId: first.OlderThanId, cancellationToken: Ct);

        first.Entries.Count.ShouldBe(50);
        older.Entries.Count.ShouldBe(10);
        compiledForFirst.ShouldBeGreaterThanOrEqualTo(1, "the counter must see the first page's compilation, or it proves nothing");
        (compilations.Count - compiledForFirst).ShouldBe(0, "the next older page must reuse the first page's compiled query, not compile a shape of its own");
    }

    /// <summary>
    /// Counts EF Core's query compilations (<see cref="Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.QueryCompilationStarting"/>,
    /// through its DiagnosticListener) of audit queries filtered on actor, action, outcome and tenant at once.
    /// </summary>
    private sealed class AuditShapeCompilations : IObserver<System.Diagnostics.DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable _allListeners;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public AuditShapeCompilations() => _allListeners = System.Diagnostics.DiagnosticListener.AllListeners.Subscribe(this);

        public int Count => Volatile.Read(ref _count);

        public void OnNext(System.Diagnostics.DiagnosticListener value)
        {
            if (value.Name == Microsoft.EntityFrameworkCore.DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this, name => name == Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.QueryCompilationStarting.Name));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            var text = (value.Value as Microsoft.EntityFrameworkCore.Diagnostics.QueryExpressionEventData)?.Expression.ToString() ?? "";
            if (text.Contains(".Actor ", StringComparison.Ordinal) && text.Contains(".Action ", StringComparison.Ordinal)
                && text.Contains(".Outcome", StringComparison.Ordinal) && text.Contains(".TenantId ", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _allListeners.Dispose();
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }

    internal const string TestPassword = "Audit-Passw0rd!long";

    private async Task<List<AuditEntry>> EntriesAsync(string actor, string action)
    {
        await using var scope = portal.Services.ScopeFor("test-auditor", Roles.Auditor);
        var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().QueryAsync(new AuditFilter { Actor = actor, Action = action }, cancellationToken: Ct);
        return [.. page.Entries];
    }

    private async Task<string> CreateUserAsync(string userName, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, TestPassword)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
        return userName;
    }
}
