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
/// is created during the runbook, as it would be for a real customer.
/// </summary>
public sealed class DemoTenantSeeder(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<SimulatorOptions> simulator,
    IOptions<DemoOptions> demo,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    ILogger<DemoTenantSeeder> logger) : IDataSeeder
{
    public const string DemoTenantName = "Demo Customer (simulator)";
    private const string Actor = "system:demo-seed";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!simulator.Value.Enabled)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
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

        var baseUrl = demo.Value.PublicBaseUrl;
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
                Fingerprint = SecretRules.Fingerprint(SimulatorDemo.IntelligenceClientSecret),
                SecretSetUtc = now,
                SetBy = Actor,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Demo mode: seeded tenant {TenantName} on the simulated region", DemoTenantName);
    }
}
