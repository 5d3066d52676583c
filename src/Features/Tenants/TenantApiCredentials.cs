using Portal.Features.Regions;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;

namespace Portal.Features.Tenants;

/// <summary>
/// A tenant's connection values and decrypted secrets, read once per action. <c>UnreadableSecrets</c> lists secrets
/// stored with a key ring this server does not have: they are null here and must be re-entered. The connections built
/// here are the only ones the wizard and the status probe use.
/// </summary>
public sealed record TenantApiCredentials(
    int TenantId,
    string TenantName,
    RegionKind UemRegionKind,
    string UemTokenUrl,
    string UemApiUrl,
    string? OAuthClientId,
    SecretString? UemClientSecret,
    SecretString? UemApiKey,
    string? IntelligenceTokenUrl,
    string? IntelligenceApiUrl,
    string? IntelligenceClientId,
    SecretString? IntelligenceClientSecret,
    IReadOnlyList<TenantSecretKind> UnreadableSecrets)
{
    /// <summary>The vendor region code the region resolver cross-checks; null for simulated and custom regions.</summary>
    public string? UemRegionCode { get; init; }

    public string? OrganizationGroupId { get; init; }

    public string? IntelligenceRegionCode { get; init; }

    /// <summary>Display state of each secret, from the same decrypts as the values (never decrypted twice).</summary>
    public IReadOnlyList<SecretStatus> Statuses { get; init; } = [];

    public bool SecretsReadable => UnreadableSecrets.Count == 0;

    /// <summary>An Intelligence service account is stored (client ID and secret), readable or not.</summary>
    public bool HasIntelligenceAccount =>
        !string.IsNullOrEmpty(IntelligenceClientId) && Statuses.Any(s => s.Kind == TenantSecretKind.IntelligenceClientSecret && s.IsSet);

    public string? UnreadableMessage => SecretsReadable
        ? null
        : $"Secrets cannot be decrypted ({string.Join(", ", UnreadableSecrets.Select(TenantEditModel.SecretLabel))}): " +
          "the server's data-protection key ring changed. Re-enter them on the tenant page.";

    /// <summary>The stored OAuth client as a UEM connection (null without one); overrides test a group or key before it is stored.</summary>
    public UemConnection? UemConnection(string? organizationGroupId = null, SecretString? apiKey = null) =>
        OAuthClientId is null || UemClientSecret is null
            ? null
            : new UemConnection(new Uri(UemTokenUrl), new Uri(UemApiUrl), OAuthClientId, UemClientSecret, apiKey ?? UemApiKey,
                organizationGroupId ?? OrganizationGroupId, UemRegionCode);

    /// <summary>Pasted client credentials against this tenant's token URL, before anything is stored.</summary>
    public UemConnection PastedUemConnection(string clientId, SecretString clientSecret) =>
        new(new Uri(UemTokenUrl), new Uri(UemApiUrl), clientId, clientSecret, ApiRegionCode: UemRegionCode);

    /// <summary>The Intelligence service account as a connection; null unless ID, secret and region are all there.</summary>
    public IntelligenceConnection? IntelligenceConnection() =>
        IntelligenceClientId is { } id && IntelligenceClientSecret is { } secret && IntelligenceTokenUrl is { } tokenUrl && IntelligenceApiUrl is { } apiUrl
            ? new IntelligenceConnection(new Uri(tokenUrl), new Uri(apiUrl), id, secret)
            : null;
}
