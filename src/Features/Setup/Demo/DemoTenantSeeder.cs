using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Hosting;
using Portal.Simulator;

namespace Portal.Features.Setup.Demo;

/// <summary>
/// Demo mode: seeds one tenant on the "Simulated" region (once), so a new user can click through the whole
/// runbook offline against the built-in simulator. It has an Intelligence service account; the UEM OAuth client
/// is created during the runbook, as it would be for a real customer. At every start in demo mode, tenants on the
/// Simulated region are pointed at the address the portal now listens on (another port, another host name).
/// </summary>
public sealed class DemoTenantSeeder(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<DemoOptions> demo,
    DemoAddress demoAddress,
    IDataProtectionProvider dataProtection,
    SecretFingerprints fingerprints,
    TimeProvider clock,
    ILogger<DemoTenantSeeder> logger) : IDataSeeder
{
    public const string DemoTenantName = "Demo Customer (simulator)";
    private const string Actor = "system:demo-seed";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!demo.Value.Enabled)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var baseUrl = demoAddress.BaseUrl;
        await FollowPortalAddressAsync(db, baseUrl, cancellationToken);
        var normalized = DemoTenantName.ToUpperInvariant();
        if (await db.Set<Tenant>().AnyAsync(t => t.NormalizedName == normalized, cancellationToken))
        {
            return;
        }

        var uemRegion = await db.Set<Region>().FirstOrDefaultAsync(r => r.Product == RegionProduct.Uem && r.Kind == RegionKind.Simulated, cancellationToken);
        var intelligenceRegion = await db.Set<Region>().FirstOrDefaultAsync(r => r.Product == RegionProduct.Intelligence && r.Kind == RegionKind.Simulated, cancellationToken);
        if (uemRegion is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = new Tenant
        {
            DisplayName = DemoTenantName,
            NormalizedName = normalized,
            CustomerReference = "DEMO-1",
            UemConsoleUrl = RegionUrls.Resolve("~/simulator", baseUrl)!,
            UemApiUrl = RegionUrls.Resolve(uemRegion.ApiBaseUrl, baseUrl)!,
            UemRegionId = uemRegion.Id,
            UemTokenUrl = RegionUrls.Resolve(uemRegion.TokenUrl, baseUrl)!,
            OrganizationGroupId = SimulatorDemo.GroupId,
            IntelligenceRegionId = intelligenceRegion?.Id,
            IntelligenceClientId = intelligenceRegion is null ? null : SimulatorDemo.IntelligenceClientId,
            Notes = "Seeded by demo mode. Every call goes to the portal's built-in Workspace ONE simulator, never to a customer.",
            Tags = [new TenantTag { Name = "demo" }],
            CreatedUtc = now,
            CreatedBy = Actor,
            UpdatedUtc = now,
            UpdatedBy = Actor,
        };
        db.Add(tenant);
        await db.SaveChangesAsync(cancellationToken);
        if (intelligenceRegion is not null)
        {
            var protector = dataProtection.CreateProtector(TenantSecretsService.Purpose);
            db.Add(new TenantSecret
            {
                TenantId = tenant.Id,
                Kind = TenantSecretKind.IntelligenceClientSecret,
                ProtectedValue = protector.Protect(SimulatorDemo.IntelligenceClientSecret),
                Fingerprint = fingerprints.Of(SimulatorDemo.IntelligenceClientSecret),
                SecretSetUtc = now,
                SetBy = Actor,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Demo mode: seeded tenant {TenantName} on the simulated region", DemoTenantName);
    }

    /// <summary>Rewrites the scheme and authority of simulated tenants' stored console and API URLs to <paramref name="baseUrl"/>.</summary>
    private async Task FollowPortalAddressAsync(PortalDbContext db, Uri baseUrl, CancellationToken ct)
    {
        var simulatedRegionIds = await db.Set<Region>().Where(r => r.Kind == RegionKind.Simulated).Select(r => r.Id).ToListAsync(ct);
        var tenants = await db.Set<Tenant>().Where(t => simulatedRegionIds.Contains(t.UemRegionId)).ToListAsync(ct);
        var moved = 0;
        foreach (var tenant in tenants)
        {
            var console = Rebase(tenant.UemConsoleUrl, baseUrl);
            var api = Rebase(tenant.UemApiUrl, baseUrl);
            if (console != tenant.UemConsoleUrl || api != tenant.UemApiUrl)
            {
                tenant.UemConsoleUrl = console;
                tenant.UemApiUrl = api;
                tenant.Version = Guid.NewGuid();
                moved++;
            }
        }

        if (moved > 0)
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Demo mode: {Count} simulated tenant(s) now point at {BaseUrl}", moved, baseUrl);
        }
    }

    internal static string Rebase(string url, Uri baseUrl) =>
        Uri.TryCreate(url, UriKind.Absolute, out var current) && current.GetLeftPart(UriPartial.Authority) != baseUrl.GetLeftPart(UriPartial.Authority)
            ? baseUrl.GetLeftPart(UriPartial.Authority) + current.PathAndQuery
            : url;
}
