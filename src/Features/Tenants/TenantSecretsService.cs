using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Regions;
using Portal.Features.Users;
using Portal.Integrations;

namespace Portal.Features.Tenants;

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
    IAuditSink audit,
    BackgroundSecretUseLog backgroundUse,
    SecretFingerprints fingerprints)
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

    /// <summary>
    /// Same as <see cref="GetForApiCallAsync"/> for background jobs that run without a signed-in user (health checks).
    /// Recorded with the job as the actor, once per secret version and day (<see cref="BackgroundSecretUseLog"/>).
    /// </summary>
    public Task<TenantApiCredentials?> GetForBackgroundJobAsync(int tenantId, string jobName, CancellationToken ct = default) =>
        LoadAsync(tenantId, new TenantScopeFilter("system:" + jobName, null), "system:" + jobName, jobName, ct, background: true);

    /// <summary>
    /// <see cref="GetForBackgroundJobAsync(int, string, CancellationToken)"/> for a job that already read the tenant and
    /// its secret rows with many others in one query (the status sweep): decrypts and records the use the same way,
    /// without reading the tenant again.
    /// </summary>
    public async Task<TenantApiCredentials> GetForBackgroundJobAsync(Tenant tenant, IReadOnlyList<TenantSecret> rows, string jobName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(rows);
        var credentials = await DecryptAsync(tenant, rows, ct);
        await AuditBackgroundUseAsync(credentials, "system:" + jobName, jobName, ct);
        return credentials;
    }

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

    /// <summary>Call before opening a transaction that will <see cref="Protect"/> secrets.</summary>
    internal void PrepareProtection() => fingerprints.EnsureKey();

    /// <summary>Builds the encrypted row for a checked, trimmed secret.</summary>
    internal TenantSecret Protect(int tenantId, TenantSecretKind kind, string value, string actor, DateTime nowUtc) => new()
    {
        TenantId = tenantId,
        Kind = kind,
        ProtectedValue = _protector.Protect(value),
        Fingerprint = fingerprints.Of(value),
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

    /// <summary>
    /// Credentials of a tenant the caller already read within the user's scope (the setup pipeline): each secret is
    /// decrypted once, for the API call and for its display state. Not audited here: the caller audits the use
    /// (<see cref="AuditUseAsync"/>) when it calls an API with them.
    /// </summary>
    public async Task<TenantApiCredentials> ReadAsync(Tenant tenant, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<TenantSecret>().AsNoTracking().Where(s => s.TenantId == tenant.Id).ToListAsync(ct);
        return await DecryptAsync(tenant, rows, ct);
    }

    /// <summary>Records that the secrets are used for an API call (fingerprints only).</summary>
    public Task AuditUseAsync(TenantApiCredentials credentials, string actor, string purpose, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return audit.WriteAsync(UseEvent(credentials, UseDetails(credentials, actor, purpose)), ct);
    }

    private Task AuditBackgroundUseAsync(TenantApiCredentials credentials, string actor, string purpose, CancellationToken ct)
    {
        var details = UseDetails(credentials, actor, purpose);
        return backgroundUse.RecordOnceAsync(credentials.TenantId, actor, UseEvent(credentials, details) with { ActorOverride = actor }, audit, ct);
    }

    private static AuditEvent UseEvent(TenantApiCredentials credentials, Dictionary<string, string?> details) =>
        new(BackgroundSecretUseLog.Action, credentials.SecretsReadable ? AuditOutcome.Success : AuditOutcome.Failure, credentials.TenantId, details)
        {
            TenantName = credentials.TenantName,
        };

    private static Dictionary<string, string?> UseDetails(TenantApiCredentials credentials, string actor, string purpose) => new()
    {
        ["user"] = actor,
        ["purpose"] = purpose,
        ["fingerprints"] = string.Join(",", credentials.Statuses.Where(s => s.IsSet).Select(s => $"{s.Kind}={s.Fingerprint}")),
        ["unreadable"] = credentials.SecretsReadable ? null : string.Join(",", credentials.UnreadableSecrets),
    };

    private async Task<TenantApiCredentials?> LoadAsync(int tenantId, TenantScopeFilter filter, string actor, string purpose, CancellationToken ct, bool background = false)
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
        var credentials = await DecryptAsync(tenant, rows, ct);
        await (background ? AuditBackgroundUseAsync(credentials, actor, purpose, ct) : AuditUseAsync(credentials, actor, purpose, ct));
        return credentials;
    }

    private async Task<TenantApiCredentials> DecryptAsync(Tenant tenant, IReadOnlyList<TenantSecret> rows, CancellationToken ct)
    {
        var unreadable = new List<TenantSecretKind>();
        var statuses = new List<SecretStatus>();
        var values = new Dictionary<TenantSecretKind, SecretString>();
        foreach (var kind in Enum.GetValues<TenantSecretKind>())
        {
            var row = rows.FirstOrDefault(r => r.Kind == kind);
            if (row is null)
            {
                statuses.Add(new SecretStatus(kind, false, null, null, null, true));
                continue;
            }

            var plain = TryUnprotect(row.ProtectedValue);
            statuses.Add(new SecretStatus(kind, true, row.Fingerprint, row.SetBy, row.SecretSetUtc, plain is not null));
            if (plain is null)
            {
                unreadable.Add(kind);
            }
            else
            {
                values[kind] = SecretString.Create(plain);
            }
        }

        var uemRegion = await regions.GetAsync(tenant.UemRegionId, ct);
        var intelRegion = tenant.IntelligenceRegionId is { } intelId ? await regions.GetAsync(intelId, ct) : null;
        return new TenantApiCredentials(
            tenant.Id, tenant.DisplayName, uemRegion?.Kind ?? RegionKind.Custom,
            RegionUrls.Resolve(tenant.UemTokenUrl, regions.SimulatorBaseUrl)!, tenant.UemApiUrl, tenant.OAuthClientId,
            values.GetValueOrDefault(TenantSecretKind.UemClientSecret), values.GetValueOrDefault(TenantSecretKind.UemApiKey),
            intelRegion?.TokenUrl, intelRegion?.ApiBaseUrl, tenant.IntelligenceClientId, values.GetValueOrDefault(TenantSecretKind.IntelligenceClientSecret),
            unreadable)
        {
            // The region resolver knows only the vendor's regions; simulated and custom ones are not cross-checked.
            UemRegionCode = uemRegion is { IsUnchecked: false } ? uemRegion.Code : null,
            OrganizationGroupId = tenant.OrganizationGroupId,
            IntelligenceRegionCode = intelRegion?.Code,
            Statuses = statuses,
        };
    }
}
