using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Users;
using Portal.Hosting;

namespace Portal.Features.Tenants;

/// <summary>
/// A decrypted secret for an outgoing API call. It never renders or logs: <see cref="ToString"/> and
/// the log destructuring policy (<see cref="ISensitiveValue"/>) show only the fingerprint.
/// </summary>
public sealed class SecretText(string value) : ISensitiveValue
{
    /// <summary>The plaintext, for the Authorization header of an API call only.</summary>
    public string Reveal() => value;

    public string Fingerprint { get; } = SecretRules.Fingerprint(value);

    public override string ToString() => $"***({Fingerprint})";
}

/// <summary>
/// What the wizard/verifier needs to call UEM and Intelligence for one tenant. <c>UnreadableSecrets</c> lists secrets
/// stored with a key ring this server does not have: they are null here and must be re-entered.
/// </summary>
public sealed record TenantApiCredentials(
    int TenantId,
    string TenantName,
    RegionKind UemRegionKind,
    string UemTokenUrl,
    string UemApiUrl,
    string? OAuthClientId,
    SecretText? UemClientSecret,
    SecretText? UemApiKey,
    string? IntelligenceTokenUrl,
    string? IntelligenceApiUrl,
    string? IntelligenceClientId,
    SecretText? IntelligenceClientSecret,
    IReadOnlyList<TenantSecretKind> UnreadableSecrets)
{
    public bool SecretsReadable => UnreadableSecrets.Count == 0;

    public string? UnreadableMessage => SecretsReadable
        ? null
        : $"Secrets cannot be decrypted ({string.Join(", ", UnreadableSecrets.Select(TenantEditModel.SecretLabel))}): " +
          "the server's data-protection key ring changed. Re-enter them on the tenant page.";
}

/// <summary>
/// Encrypts tenant secrets with ASP.NET Core Data Protection and hands plaintext only to server-side API callers.
/// Nothing here returns a secret to a component: pages get <see cref="SecretStatus"/> only.
/// </summary>
public sealed class TenantSecretsService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    TenantScope scope,
    CurrentUser currentUser,
    RegionService regions,
    IAuditSink audit)
{
    public const string Purpose = "Portal.TenantSecrets.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>
    /// Decrypted credentials of a tenant for an API call made on behalf of the signed-in Helpdesk/Admin user,
    /// within their tenant scope. Audited (fingerprints only). Returns null when the tenant is missing or out of scope.
    /// </summary>
    public async Task<TenantApiCredentials?> GetForApiCallAsync(int tenantId, string purpose, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Helpdesk, Roles.Admin);
        var filter = await scope.GetAsync(ct);
        return await LoadAsync(tenantId, filter, principal.Identity?.Name ?? "unknown", purpose, ct);
    }

    /// <summary>Same as <see cref="GetForApiCallAsync"/> for background jobs that run without a signed-in user (health checks).</summary>
    public Task<TenantApiCredentials?> GetForBackgroundJobAsync(int tenantId, string jobName, CancellationToken ct = default) =>
        LoadAsync(tenantId, new TenantScopeFilter("system:" + jobName, null), "system:" + jobName, jobName, ct);

    /// <summary>Display state of each secret kind (never the value); decryptability is checked so the UI can ask for re-entry.</summary>
    public IReadOnlyList<SecretStatus> Describe(IReadOnlyCollection<TenantSecret> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Enum.GetValues<TenantSecretKind>().Select(kind =>
        {
            var row = rows.FirstOrDefault(r => r.Kind == kind);
            return row is null
                ? new SecretStatus(kind, false, null, null, null, true)
                : new SecretStatus(kind, true, row.Fingerprint, row.SetBy, row.SecretSetUtc, TryUnprotect(row.ProtectedValue) is not null);
        }).ToList();
    }

    /// <summary>Builds the encrypted row for a checked, trimmed secret.</summary>
    internal TenantSecret Protect(int tenantId, TenantSecretKind kind, string value, string actor, DateTime nowUtc) => new()
    {
        TenantId = tenantId,
        Kind = kind,
        ProtectedValue = _protector.Protect(value),
        Fingerprint = SecretRules.Fingerprint(value),
        SecretSetUtc = nowUtc,
        SetBy = actor,
    };

    private string? TryUnprotect(string protectedValue)
    {
        try
        {
            return _protector.Unprotect(protectedValue);
        }
        catch (CryptographicException)
        {
            // Wrong or lost key ring: reported as "re-enter the secret", never as a crash.
            return null;
        }
    }

    private async Task<TenantApiCredentials?> LoadAsync(int tenantId, TenantScopeFilter filter, string actor, string purpose, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await filter.Apply(db.Set<Tenant>().AsNoTracking()).FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            if (await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
            {
                await scope.ReportDeniedAsync(filter, tenantId, "tenant.secrets.use", ct);
            }

            return null;
        }

        var rows = await db.Set<TenantSecret>().AsNoTracking().Where(s => s.TenantId == tenantId).ToListAsync(ct);
        var unreadable = new List<TenantSecretKind>();
        SecretText? Get(TenantSecretKind kind)
        {
            var row = rows.FirstOrDefault(r => r.Kind == kind);
            if (row is null)
            {
                return null;
            }

            var plain = TryUnprotect(row.ProtectedValue);
            if (plain is null)
            {
                unreadable.Add(kind);
                return null;
            }

            return new SecretText(plain);
        }

        var uemRegion = await regions.GetAsync(tenant.UemRegionId, ct);
        var intelRegion = tenant.IntelligenceRegionId is { } intelId ? await regions.GetAsync(intelId, ct) : null;
        var credentials = new TenantApiCredentials(
            tenant.Id, tenant.DisplayName, uemRegion?.Kind ?? RegionKind.Custom,
            RegionUrls.Resolve(tenant.UemTokenUrl, regions.SimulatorBaseUrl)!, tenant.UemApiUrl, tenant.OAuthClientId,
            Get(TenantSecretKind.UemClientSecret), Get(TenantSecretKind.UemApiKey),
            intelRegion?.TokenUrl, intelRegion?.ApiBaseUrl, tenant.IntelligenceClientId, Get(TenantSecretKind.IntelligenceClientSecret),
            unreadable);
        await audit.WriteAsync(new AuditEvent("tenant.secrets.use", unreadable.Count == 0 ? AuditOutcome.Success : AuditOutcome.Failure, tenantId,
            new Dictionary<string, string?>
            {
                ["user"] = actor,
                ["purpose"] = purpose,
                ["fingerprints"] = string.Join(",", rows.Select(r => $"{r.Kind}={r.Fingerprint}")),
                ["unreadable"] = unreadable.Count == 0 ? null : string.Join(",", unreadable),
            }), ct);
        return credentials;
    }
}
