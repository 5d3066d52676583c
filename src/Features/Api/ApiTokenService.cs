using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.Features.Validation;

namespace Portal.Features.Api;

/// <summary>Creates, lists and revokes API tokens: every user manages their own, an Admin sees and revokes everyone's.</summary>
public sealed class ApiTokenService(
    IDbContextFactory<PortalDbContext> dbFactory,
    CurrentUser currentUser,
    IAuditSink audit,
    TimeProvider clock,
    IOptions<ApiOptions> options)
{
    public const string Created = "api.token.created";
    public const string Revoked = "api.token.revoked";
    public const string Used = "api.token.used";

    /// <summary>Creates a token for the signed-in user; the returned value is the only time it is ever shown.</summary>
    public async Task<ApiTokenCreateResult> CreateAsync(string? name, DateTime? expiresUtc, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var userId = principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? throw new PortalAccessDeniedException("Sign in again.");
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = Validate(name, expiresUtc, now);
        if (errors.Count > 0)
        {
            return new(null, null, errors);
        }

        var token = ApiTokenFormat.NewToken();
        var row = new ApiToken
        {
            UserId = userId, Name = name!.Trim(), Prefix = ApiTokenFormat.PrefixOf(token), TokenHash = ApiTokenFormat.Hash(token),
            CreatedUtc = now, ExpiresUtc = expiresUtc?.ToUniversalTime(),
        };
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Add(row);
            await db.SaveChangesAsync(ct);
        }

        await audit.WriteAsync(new AuditEvent(Created, AuditOutcome.Success, TenantId: null, Describe(row, principal.Identity?.Name)), ct);
        return new(token, ToView(row, principal.Identity?.Name ?? ""), new Dictionary<string, string[]>());
    }

    /// <summary>The user's own tokens; an Admin sees every user's.</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var userId = principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tokens = db.Set<ApiToken>().AsNoTracking();
        if (!principal.IsInRole(Roles.Admin))
        {
            tokens = tokens.Where(t => t.UserId == userId);
        }

        var rows = await (from t in tokens
                          join u in db.Users on t.UserId equals u.Id
                          orderby t.CreatedUtc descending
                          select new { Token = t, u.UserName }).ToListAsync(ct);
        return rows.Select(r => ToView(r.Token, r.UserName ?? "")).ToList();
    }

    /// <summary>Revokes a token at once (its owner, or an Admin). Returns an error message, or null when revoked.</summary>
    public async Task<string?> RevokeAsync(int id, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var userId = principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.Set<ApiToken>().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null || (token.UserId != userId && !principal.IsInRole(Roles.Admin)))
        {
            if (token is not null)
            {
                await audit.WriteAsync(new AuditEvent(Revoked, AuditOutcome.Denied, TenantId: null, new Dictionary<string, string?>
                {
                    ["token"] = token.Prefix, ["reason"] = "not the owner and not an Admin",
                }), ct);
            }

            return "That token does not exist or is not yours.";
        }

        if (token.RevokedUtc is not null)
        {
            return null;
        }

        token.RevokedUtc = clock.GetUtcNow().UtcDateTime;
        token.RevokedBy = principal.Identity?.Name;
        await db.SaveChangesAsync(ct);
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == token.UserId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        await audit.WriteAsync(new AuditEvent(Revoked, AuditOutcome.Success, TenantId: null, Describe(token, owner)), ct);
        return null;
    }

    private Dictionary<string, string[]> Validate(string? name, DateTime? expiresUtc, DateTime now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["Name"] = ["Name: enter what the token is for, e.g. \"Nightly report script\"."];
        }
        else if (FreeText.Check("Name", name.Trim(), ApiToken.NameMaxLength) is { } invalid)
        {
            errors["Name"] = [invalid];
        }

        var maxDays = options.Value.MaxTokenLifetimeDays;
        if (expiresUtc is null && maxDays > 0)
        {
            errors["ExpiresUtc"] = [$"Expires: choose a date within {maxDays} days; tokens without an expiry are not allowed here."];
        }
        else if (expiresUtc is { } expires && expires.ToUniversalTime() <= now)
        {
            errors["ExpiresUtc"] = ["Expires: choose a date in the future."];
        }
        else if (expiresUtc is { } far && maxDays > 0 && far.ToUniversalTime() > now.AddDays(maxDays))
        {
            errors["ExpiresUtc"] = [$"Expires: choose a date at most {maxDays} days from today."];
        }

        return errors;
    }

    private static Dictionary<string, string?> Describe(ApiToken token, string? owner) => new()
    {
        ["token"] = token.Prefix,
        ["name"] = token.Name,
        ["owner"] = owner,
        ["expiresUtc"] = token.ExpiresUtc?.ToString("O", CultureInfo.InvariantCulture),
    };

    private static ApiTokenView ToView(ApiToken t, string owner) =>
        new(t.Id, t.Name, t.Prefix, owner, t.CreatedUtc, t.ExpiresUtc, t.RevokedUtc, t.RevokedBy, t.LastUsedUtc);
}
