using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.IntegrationTests.Integrations;

namespace Portal.IntegrationTests.Foundation;

/// <summary>Guessing at the sign-in forms over real HTTP: rate limits, the same answer for unknown names, nothing typed leaks.</summary>
public sealed partial class SignInAbuseTests
{
    private const string Password = "Abuse-Test-Password-2026!";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task PerAccountLimit_TheNPlusFirstAttemptGetsTheWaitMessage_AndTheRightPasswordIsRefusedToo()
    {
        await using var portal = await StartAsync(perAccount: 3, perAddress: 1000);
        await SeedUserAsync(portal, "guessed", [Roles.Helpdesk], mfa: false);
        using var client = portal.CreatePortalClient();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var wrong = await client.SignInAsync("guessed", "not-the-password-" + attempt);
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK, $"attempt {attempt} is answered by the form");
            (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("Sign-in failed.");
        }

        using var right = await client.SignInAsync("GUESSED ", Password); // the same account, however it is typed
        right.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var body = await right.Content.ReadAsStringAsync(Ct);
        var seconds = int.Parse(WaitMessage().Match(body).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        seconds.ShouldBeInRange(1, 300);
        right.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBe(seconds);
        right.Headers.Contains("Set-Cookie").ShouldBeFalse("no session comes with a refused attempt");
        (await client.Http.GetAsync(new Uri("/tenants", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "not signed in");

        // Another account from the same address is not affected.
        await SeedUserAsync(portal, "bystander", [Roles.Helpdesk], mfa: false);
        (await client.SignInAsync("bystander", Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task PerAddressLimit_SprayingManyNamesFromOneAddress_IsRefused()
    {
        await using var portal = await StartAsync(perAccount: 1000, perAddress: 4);
        using var client = portal.CreatePortalClient();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            (await client.SignInAsync("sprayed-" + attempt, "Summer2026!")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var refused = await client.SignInAsync("sprayed-5", "Summer2026!");
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldMatch(WaitMessage().ToString());
    }

    [Fact]
    public async Task MfaCodeForm_GuessingCodes_IsLimitedPerAccount()
    {
        await using var portal = await StartAsync(perAccount: 3, perAddress: 1000);
        var key = await SeedUserAsync(portal, "mfa-guessed", [Roles.Helpdesk], mfa: true);
        using var client = portal.CreatePortalClient();
        (await client.SignInAsync("mfa-guessed", Password)).Headers.Location!.AbsolutePath.ShouldBe("/Account/LoginWithMfa");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            (await client.SubmitMfaCodeAsync("00000" + attempt)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var right = await client.SubmitMfaCodeAsync(new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key!)).ComputeTotp());
        right.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await right.Content.ReadAsStringAsync(Ct)).ShouldMatch(WaitMessage().ToString());
        (await client.Http.GetAsync(new Uri("/tenants", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "not signed in");
    }

    [Fact]
    public async Task UnknownAndKnownNames_GetTheSameAnswerForTheSameWork_AndTheTypedNameIsNeverLoggedOrAudited()
    {
        var hasher = new CountingPasswordHasher();
        await using var portal = await StartAsync(perAccount: 1000, perAddress: 1000, services => services.AddSingleton<IPasswordHasher<PortalUser>>(hasher));
        await SeedUserAsync(portal, "known-user", [Roles.Helpdesk], mfa: false);
        using var client = portal.CreatePortalClient();
        // People type their password into the user-name field: that text must go nowhere.
        var typed = "Winter2026!Secret-" + Guid.NewGuid().ToString("N")[..8];

        var before = hasher.Verifications;
        using var known = await client.SignInAsync("known-user", "wrong-password");
        var knownWork = hasher.Verifications - before;
        before = hasher.Verifications;
        using var unknown = await client.SignInAsync(typed, "wrong-password");
        var unknownWork = hasher.Verifications - before;

        knownWork.ShouldBe(1);
        unknownWork.ShouldBe(knownWork, "an unknown name costs one password hash, like a known one");
        unknown.StatusCode.ShouldBe(known.StatusCode);
        // The form keeps what was typed in the name field (for that browser only); everything else is identical.
        WithoutTokens(await unknown.Content.ReadAsStringAsync(Ct)).Replace(typed, "NAME", StringComparison.Ordinal)
            .ShouldBe(WithoutTokens(await known.Content.ReadAsStringAsync(Ct)).Replace("known-user", "NAME", StringComparison.Ordinal));

        portal.Logs.Lines.ShouldNotBeEmpty();
        portal.Logs.Lines.ShouldAllBe(line => !line.Contains(typed, StringComparison.OrdinalIgnoreCase));
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var audit = await db.Set<AuditEntry>().AsNoTracking().ToListAsync(Ct);
        audit.ShouldAllBe(e => !e.Actor.Contains(typed) && !e.DetailsJson.Contains(typed));
        audit.ShouldContain(e => e.Action == AuditActions.SignInFailed && e.Actor == SignInService.UnknownUserActor);
        audit.ShouldContain(e => e.Action == AuditActions.SignInFailed && e.Actor == "known-user");
    }

    [Fact]
    public async Task LockedOutAccount_AnAdminClearsTheLockout_AndOnlyAnAdmin()
    {
        await using var portal = await StartAsync(perAccount: 1000, perAddress: 1000);
        await SeedUserAsync(portal, "locked", [Roles.Helpdesk], mfa: false);
        using var client = portal.CreatePortalClient();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await client.SignInAsync("locked", "wrong-" + attempt);
        }

        (await client.SignInAsync("locked", Password)).StatusCode.ShouldBe(HttpStatusCode.OK, "locked out: the right password is refused");
        string id;
        await using (var helpdesk = portal.Services.ScopeFor("someone", Roles.Helpdesk, Roles.TeamLead, Roles.Auditor))
        {
            var admin = helpdesk.ServiceProvider.GetRequiredService<UserAdminService>();
            await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            id = (await db.Users.SingleAsync(u => u.UserName == "locked", Ct)).Id;
            await Should.ThrowAsync<PortalAccessDeniedException>(() => admin.ClearLockoutAsync(id, Ct));
            await Should.ThrowAsync<PortalAccessDeniedException>(() => admin.ResetMfaAsync(id, Ct));
        }

        await using (var adminScope = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            var admin = adminScope.ServiceProvider.GetRequiredService<UserAdminService>();
            (await admin.ListAsync(Ct)).Single(u => u.UserName == "locked").IsLockedOut.ShouldBeTrue();
            (await admin.ClearLockoutAsync(id, Ct)).Succeeded.ShouldBeTrue();
        }

        (await client.SignInAsync("locked", Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "unlocked: signed in");
        await using var check = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        (await check.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == AuditActions.UserLockoutCleared).ToListAsync(Ct))
            .ShouldHaveSingleItem().DetailsJson.ShouldContain("locked");
    }

    private static Task<IntegrationsTestPortal> StartAsync(int perAccount, int perAddress, Action<IServiceCollection>? services = null) =>
        IntegrationsTestPortal.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:SignInRateLimit:PermitsPerAccount"] = perAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:SignInRateLimit:PermitsPerAddress"] = perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:SignInRateLimit:WindowSeconds"] = "300",
        }, configureServices: services, cancellationToken: Ct);

    /// <summary>Creates the user; returns the authenticator key when MFA is on.</summary>
    private static async Task<string?> SeedUserAsync(IntegrationsTestPortal portal, string userName, string[] roles, bool mfa)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRolesAsync(user, roles)).Succeeded.ShouldBeTrue();
        if (!mfa)
        {
            return null;
        }

        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return await users.GetAuthenticatorKeyAsync(user);
    }

    /// <summary>Without what differs on every response: the antiforgery token and the encrypted component state.</summary>
    private static string WithoutTokens(string html) => ComponentState().Replace(TokenValue().Replace(html, ""), "");

    [GeneratedRegex(@"Too many sign-in attempts\. Try again in (\d+) seconds\.")]
    private static partial Regex WaitMessage();

    [GeneratedRegex("<!--Blazor-Server-Component-State:[^-]*-->")]
    private static partial Regex ComponentState();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]+\"")]
    private static partial Regex TokenValue();

    /// <summary>The real hasher, counting how often a password is checked.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<PortalUser>
    {
        private readonly PasswordHasher<PortalUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(PortalUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
