using Portal.Features.Regions;

namespace Portal.Features.Tenants;

/// <summary>
/// Where a tenant's stored secrets are sent: the UEM client secret to the token URL, the REST API key to the API host,
/// the Intelligence secret to its region. A stored secret only ever goes where it was entered for: when an edit moves
/// any of these, the secrets bound to it are released (removed) unless the same save enters them again, so an insider
/// cannot point a tenant at their own host and let the next check deliver the customer's secret there.
/// </summary>
public sealed record SecretDestinations(int? UemRegionId, string UemTokenUrl, string UemApiOrigin, int? IntelligenceRegionId)
{
    public static SecretDestinations Of(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new(tenant.UemRegionId, tenant.UemTokenUrl.Trim(), Origin(tenant.UemApiUrl), tenant.IntelligenceRegionId);
    }

    /// <summary>From a form model; a blank token URL means the region's own (as the save applies it).</summary>
    public static SecretDestinations Of(TenantEditModel model, IReadOnlyList<RegionSummary> regions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(regions);
        var tokenUrl = string.IsNullOrWhiteSpace(model.UemTokenUrl)
            ? regions.FirstOrDefault(r => r.Id == model.UemRegionId)?.TokenUrl ?? ""
            : model.UemTokenUrl.Trim();
        return new(model.UemRegionId, tokenUrl, Origin(model.UemApiUrl), model.IntelligenceRegionId);
    }

    /// <summary>The stored secrets an edit from <paramref name="before"/> to <paramref name="after"/> releases (those not entered again in it).</summary>
    public static IReadOnlyList<TenantSecretKind> Released(SecretDestinations before, SecretDestinations after, TenantEditModel edit)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(edit);
        var uemMoved = before.UemRegionId != after.UemRegionId
            || !InputRules.SameUrl(before.UemTokenUrl, after.UemTokenUrl)
            || !string.Equals(before.UemApiOrigin, after.UemApiOrigin, StringComparison.OrdinalIgnoreCase);
        var intelligenceMoved = before.IntelligenceRegionId != after.IntelligenceRegionId;
        return Enum.GetValues<TenantSecretKind>()
            .Where(kind => kind == TenantSecretKind.IntelligenceClientSecret ? intelligenceMoved : uemMoved)
            .Where(kind => string.IsNullOrWhiteSpace(edit.NewSecret(kind)))
            .ToList();
    }

    /// <summary>What the form and the save say about released secrets.</summary>
    public static string Explain(IReadOnlyCollection<TenantSecretKind> released) =>
        $"The stored {string.Join(" and ", released.Select(TenantEditModel.SecretLabel))} " +
        $"{(released.Count == 1 ? "is" : "are")} removed when the UEM region, token URL or REST API host (or the Intelligence region) changes, " +
        "so they are never sent to a host they were not entered for. Enter them again and verify them in the set-up wizard.";

    /// <summary>Scheme, host and port: the path of the API URL does not change where the API key goes.</summary>
    private static string Origin(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : (url ?? "").Trim();
}
