using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Api;

/// <summary>
/// <c>Authorization: Bearer cpt_…</c>, only on /api/v1 (cookies never authenticate the API, so it has no CSRF surface).
/// The principal is rebuilt from the owner's account on every request: a removed role, a new tenant scope, a disabled
/// account or a revoked or expired token takes effect on the next call.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory,
    IUserClaimsPrincipalFactory<PortalUser> principalFactory,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "portal:api_token_id";
    public const string TokenPrefixClaim = "portal:api_token_prefix";

    private const string FailureItem = "portal:api_auth_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (!ApiTokenFormat.LooksLikeToken(token))
        {
            return Fail("The bearer token is not a Connector Portal API token (they start with cpt_).");
        }

        var hash = ApiTokenFormat.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var found = await (from t in db.Set<ApiToken>().AsNoTracking()
                           join u in db.Users.AsNoTracking() on t.UserId equals u.Id
                           where t.TokenHash == hash
                           select new { Token = t, User = u }).FirstOrDefaultAsync(Context.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        var problem = found switch
        {
            null => "The token is not known. Create a new one under API tokens.",
            { Token.RevokedUtc: not null } => "The token was revoked. Create a new one under API tokens.",
            { Token.ExpiresUtc: { } expires } when expires <= now => "The token has expired. Create a new one under API tokens.",
            { User.IsDisabled: true } => "The token's owner is disabled.",
            { User.MustChangePassword: true } => "The token's owner must change their password in the portal first.",
            _ => null,
        };
        if (problem is not null)
        {
            Logger.LogWarning("API token {TokenPrefix} refused: {Reason}", found?.Token.Prefix ?? "(unknown)", problem);
            return Fail(problem);
        }

        // The owner's current roles and claims, exactly as a fresh sign-in would give them.
        var user = await principalFactory.CreateAsync(found!.User);
        var identity = new ClaimsIdentity(user.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(TokenIdClaim, found.Token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(TokenPrefixClaim, found.Token.Prefix));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>401 as Problem Details, saying why (missing, unknown, revoked, expired) so a script's author can act.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = Context.Items[FailureItem] as string ?? "Send an API token: Authorization: Bearer cpt_… (create one under API tokens in the portal).";
        await Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await ApiProblems.Forbidden("Your roles or tenant scope do not allow this.").ExecuteAsync(Context);
}
