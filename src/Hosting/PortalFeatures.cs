using Portal.Features.Api;
using Portal.Features.Audit;
using Portal.Features.Cluster;
using Portal.Features.Downloads;
using Portal.Features.Evidence;
using Portal.Features.Home;
using Portal.Features.Preferences;
using Portal.Features.Setup;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Telemetry;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>One line per feature folder: each registers its own services.</summary>
public static class PortalFeatures
{
    public static WebApplicationBuilder AddPortalFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddClusterFeature(builder.Configuration);
        builder.Services.AddAuditFeature();
        builder.Services.AddUsersFeature();
        builder.Services.AddSetupFeature();
        builder.Services.AddPreferencesFeature();
        builder.Services.AddRegionsFeature();
        builder.Services.AddTenantsFeature();
        builder.Services.AddDemoMode(builder.Configuration);
        builder.Services.AddDownloadsFeature();
        builder.Services.AddEvidenceFeature();
        builder.Services.AddStatusFeature();
        builder.Services.AddHomeFeature();
        builder.Services.AddApiFeature();
        builder.Services.AddTelemetryFeature(builder.Configuration);
        return builder;
    }
}
