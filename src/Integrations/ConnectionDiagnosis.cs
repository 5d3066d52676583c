using System.Globalization;

namespace Portal.Integrations;

/// <summary>Layers of a connection, in the order they are checked. A failure is reported at the lowest layer that explains it.</summary>
public enum DiagnosisLayer
{
    Connectivity,
    TokenExchange,
    ApiAuthentication,
    RolePermissions,
    TenantCodeApiKey,
    OrganizationGroup,
    Intelligence,
}

/// <summary>Why a check failed.</summary>
public enum FailureCause
{
    UnknownHost,
    TlsFailure,
    ConnectionRefused,
    Timeout,
    HostTemporarilyBlocked,
    TokenUrlNotFound,
    InvalidClient,
    TokenRequestRejected,
    WrongRegionToken,
    TokenExpired,
    TokenRejected,
    PermissionDenied,
    OrganizationGroupNotFound,
    OrganizationGroupNotCustomerType,
    ClientNotListed,
    ApiKeyNotListed,
    ServiceMisconfigured,
    RateLimited,
    ServerError,
    MalformedResponse,
    UnexpectedResponse,
    EgressRefused,
}

/// <summary>Facts a support engineer needs. Never contains a secret.</summary>
public sealed record CheckEvidence(int? StatusCode, string? ErrorCode, string? ActivityId, string? Host, string? Operation = null, DateTimeOffset? RetryAt = null);

/// <summary>The typed result of one check: <see cref="Ok"/>, or a failure with layer, cause, evidence and a plain-words fix.</summary>
public sealed record DiagnosedCheck(string Check, DiagnosisLayer Layer, bool Ok, string Summary, FailureCause? Cause = null, CheckEvidence? Evidence = null, string? Fix = null, bool IsWarning = false)
{
    /// <summary>Set on the results of <see cref="Uem.UemConnectionVerifier"/>: which check this is, whatever its label says.</summary>
    public Uem.UemCheck? Uem { get; init; }

    public static DiagnosedCheck Passed(string check, DiagnosisLayer layer, string summary) => new(check, layer, true, summary);

    /// <summary>Passed, but with something the operator should change (e.g. legacy host).</summary>
    public static DiagnosedCheck Warning(string check, DiagnosisLayer layer, string summary, string fix) => new(check, layer, true, summary, Fix: fix, IsWarning: true);

    public static DiagnosedCheck Failed(string check, DiagnosisLayer layer, FailureCause cause, string summary, string fix, CheckEvidence? evidence = null) =>
        new(check, layer, false, summary, cause, evidence, fix);
}

/// <summary>Context that sharpens the advice (which client, which region the API host belongs to, trimmed secret).</summary>
public sealed record DiagnosisContext(string? ClientId = null, bool SecretWasTrimmed = false, RegionAssessment? Region = null, Uri? TokenUrl = null);

/// <summary>Turns an <see cref="IntegrationException"/> into a helpdesk-readable <see cref="DiagnosedCheck"/>.</summary>
public static class ConnectionDiagnosis
{
    public static DiagnosedCheck Diagnose(string check, DiagnosisLayer attemptedLayer, IntegrationException failure, DiagnosisContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        context ??= new DiagnosisContext();
        var evidence = new CheckEvidence(failure.StatusCode, failure.ErrorCode, failure.ActivityId, failure.Host, failure.Operation, failure.RetryAt);
        var host = failure.Host;
        var intel = attemptedLayer == DiagnosisLayer.Intelligence;
        DiagnosedCheck Fail(DiagnosisLayer layer, FailureCause cause, string summary, string fix) =>
            DiagnosedCheck.Failed(check, intel ? DiagnosisLayer.Intelligence : layer, cause, summary, fix, evidence);

        switch (failure.Kind)
        {
            case IntegrationFailureKind.UnknownHost:
                return Fail(DiagnosisLayer.Connectivity, FailureCause.UnknownHost, $"The server name {host} could not be found (DNS).",
                    $"Check the spelling of {host}. If it is correct, ask the network team whether this server may resolve it, or whether a proxy is required.");
            case IntegrationFailureKind.TlsFailure:
                return Fail(DiagnosisLayer.Connectivity, FailureCause.TlsFailure, $"A secure connection to {host} could not be set up (TLS).",
                    "Check the URL starts with https:// and points at the right server. If a company proxy inspects HTTPS traffic, its certificate must be trusted by this server.");
            case IntegrationFailureKind.ConnectionFailed:
                return Fail(DiagnosisLayer.Connectivity, FailureCause.ConnectionRefused, $"{host} refused the connection or could not be reached.",
                    $"Check the URL and port, and that the firewall allows outbound HTTPS to {host}.");
            case IntegrationFailureKind.Timeout:
                return Fail(DiagnosisLayer.Connectivity, FailureCause.Timeout, $"{host} did not answer in time.",
                    $"Try again in a few minutes. If it keeps happening, check the network path (proxy, firewall) to {host} and the Omnissa status page.");
            case IntegrationFailureKind.CircuitOpen:
                return Fail(DiagnosisLayer.Connectivity, FailureCause.HostTemporarilyBlocked, $"Calls to {host} are paused for a short while after repeated failures.",
                    "Wait a minute and try again. Other tenants are not affected.");
            case IntegrationFailureKind.EgressRefused:
                // The message already names the address, the rule and the setting; nothing was sent.
                return Fail(DiagnosisLayer.Connectivity, FailureCause.EgressRefused, failure.Message,
                    "Check the tenant's URLs point at the customer's Workspace ONE servers: internal and metadata addresses are refused on purpose. "
                    + "For a lab UEM on an internal network an administrator adds its network (CIDR, e.g. 10.20.0.0/16) to Egress:AllowedNetworks.");
            case IntegrationFailureKind.MalformedResponse:
                return Fail(attemptedLayer, FailureCause.MalformedResponse, $"{failure.Operation} answered with data that is not valid JSON.",
                    "Check the URL points at the REST API server (not the console or a proxy login page). If it does, try again later and report the time to Omnissa support.");
            case IntegrationFailureKind.HttpError:
            default:
                break;
        }

        var status = failure.StatusCode ?? 0;
        var code = failure.ErrorCode;
        if (status == 429)
        {
            var when = failure.RetryAt is { } at ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : null;
            return Fail(attemptedLayer, FailureCause.RateLimited, when is null ? $"{host} is limiting the number of calls (HTTP 429)." : $"{host} is limiting the number of calls (HTTP 429); the next call is allowed at {when}.",
                when is null ? "Wait a few minutes before trying again, and check whether another integration uses the same client heavily." : $"Wait until {when} before trying again. Check whether another integration uses the same client heavily.");
        }

        if (status >= 500)
        {
            return Fail(attemptedLayer, FailureCause.ServerError, $"{host} had an internal error (HTTP {status}).",
                failure.ActivityId is null ? "Try again later. If it persists, contact Omnissa support with the time of the failure." : $"Try again later. If it persists, contact Omnissa support and quote activity id {failure.ActivityId}.");
        }

        if (failure.Stage == IntegrationStage.Token)
        {
            return DiagnoseToken(status, code, failure, context, Fail);
        }

        if (intel)
        {
            return status is 401 or 403
                ? Fail(DiagnosisLayer.Intelligence, FailureCause.TokenRejected, $"Intelligence rejected the token (HTTP {status}).", "Check the service account still exists in Intelligence → Settings → Service Accounts and that its secret has not been regenerated; use the api. host for API calls.")
                : Fail(DiagnosisLayer.Intelligence, FailureCause.UnexpectedResponse, $"{failure.Operation} answered HTTP {status}.", "Check the Intelligence region and service account, then try again.");
        }

        return (status, code) switch
        {
            (401, "1024") => Fail(DiagnosisLayer.ApiAuthentication, FailureCause.WrongRegionToken,
                "UEM rejected the token: it was issued for another region or another tenant (error 1024).",
                WrongRegionFix(context)),
            (401, "1029") => Fail(DiagnosisLayer.ApiAuthentication, FailureCause.TokenExpired,
                "UEM says the token is expired even after a fresh token was fetched (error 1029).",
                "Check this server's clock is correct (time sync/NTP), then try again."),
            (401, _) => Fail(DiagnosisLayer.ApiAuthentication, FailureCause.TokenRejected, $"UEM rejected the credentials (HTTP 401{(code is null ? "" : $", error {code}")}).",
                "Check the OAuth client is enabled in UEM and belongs to this tenant."),
            (403, _) => Fail(DiagnosisLayer.RolePermissions, FailureCause.PermissionDenied,
                $"The OAuth client's role is not allowed to call {failure.Operation} (HTTP 403{(code is null ? "" : $", error {code}")}).",
                $"In UEM go to Groups & Settings → Configurations → OAuth Client Management, open client {context.ClientId ?? "(this client)"} and give it a role that includes the REST API permissions this portal needs (groups read, devices read and device commands), or add them to its current role."),
            (404, "6008") => Fail(DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotFound,
                "UEM has no organisation group with that id (error 6008).",
                "Check the Group ID in UEM (Groups & Settings → Groups → Organization Groups → Details) and enter the Customer-level group."),
            (404, "6231") => Fail(DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotCustomerType,
                "The organisation group is not of type Customer (error 6231).",
                "Use the top Customer-type organisation group of the tenant, not a child (Container) group."),
            (412, "6339") => Fail(DiagnosisLayer.TenantCodeApiKey, FailureCause.ServiceMisconfigured,
                "UEM cannot list API keys because its cache service is not enabled (error 6339).",
                "Ask the UEM administrator or Omnissa support to enable Memcache; meanwhile check the REST API key by hand in All Settings → System → Advanced → API → REST API."),
            (404, _) => Fail(attemptedLayer, FailureCause.UnexpectedResponse, $"{failure.Operation} was not found on {host} (HTTP 404).",
                "Check the REST API URL: it is shown in UEM under All Settings → System → Advanced → Site URLs (usually https://asNNNN.awmdm.com)."),
            _ => Fail(attemptedLayer, FailureCause.UnexpectedResponse, $"{failure.Operation} answered HTTP {status}{(code is null ? "" : $" (error {code})")}.",
                failure.ActivityId is null ? "Check the settings and try again." : $"Check the settings and try again; quote activity id {failure.ActivityId} to Omnissa support."),
        };
    }

    private static DiagnosedCheck DiagnoseToken(int status, string? code, IntegrationException failure, DiagnosisContext context, Func<DiagnosisLayer, FailureCause, string, string, DiagnosedCheck> fail)
    {
        if (status == 404)
        {
            var trailing = failure.RequestPath.EndsWith('/');
            return fail(DiagnosisLayer.TokenExchange, FailureCause.TokenUrlNotFound,
                $"The token URL {failure.RequestPath} does not exist (HTTP 404){(trailing ? "; it ends with a slash" : "")}.",
                "Use exactly https://<region>.uemauth.workspaceone.com/connect/token: no trailing slash, no extra path.");
        }

        switch (code)
        {
            case "invalid_client":
            {
                var reasons = new List<string>();
                if (context.SecretWasTrimmed)
                {
                    reasons.Add("spaces or line breaks were pasted around the secret (the portal removed them, but check the rest of it)");
                }

                reasons.Add("the client secret is wrong or was replaced (UEM shows it only once: if it is lost, create a new client)");
                reasons.Add("the client is disabled in UEM (Groups & Settings → Configurations → OAuth Client Management)");
                var region = context.Region;
                if (region?.ApiRegion is { } apiRegion)
                {
                    reasons.Add(region.RegionMismatch
                        ? $"the token URL is for region '{region.TokenRegion}' but this tenant's API host belongs to region '{apiRegion}': a client only exists in its own region's token service"
                        : $"the client was created in another tenant; this tenant's API host belongs to region '{apiRegion}'");
                }
                else
                {
                    reasons.Add("the client was created in a tenant of another region: the token URL must match the tenant's region");
                }

                return fail(DiagnosisLayer.TokenExchange, FailureCause.InvalidClient,
                    $"The token service did not accept client {context.ClientId ?? ""} (invalid_client).",
                    "Check, in this order: " + string.Join("; ", reasons) + ".");
            }

            case "unauthorized_client":
                return fail(DiagnosisLayer.TokenExchange, FailureCause.TokenRequestRejected, "The client is not allowed to use the client-credentials grant (unauthorized_client).",
                    "Recreate the OAuth client in UEM under Groups & Settings → Configurations → OAuth Client Management.");
            case "invalid_request" or "unsupported_grant_type" or "invalid_grant" or "invalid_scope":
                return fail(DiagnosisLayer.TokenExchange, FailureCause.TokenRequestRejected, $"The token service rejected the request format ({code}).",
                    "Check the token URL is a Workspace ONE token service; if it is, report this to the portal team.");
            default:
                return fail(DiagnosisLayer.TokenExchange, FailureCause.TokenRequestRejected, $"The token request failed (HTTP {status}{(code is null ? "" : $", {code}")}).",
                    "Check the token URL, client id and secret.");
        }
    }

    private static string WrongRegionFix(DiagnosisContext context)
    {
        var region = context.Region;
        if (region?.ApiRegion is { } apiRegion && WorkspaceOneRegions.FindUemRegion(apiRegion) is { } official)
        {
            return $"This tenant's API host belongs to region '{apiRegion}'. Use its token URL {official.TokenUrl} and an OAuth client created in this tenant.";
        }

        return region?.ApiRegion is { } code
            ? $"This tenant's API host belongs to region '{code}'. Use that region's token URL and an OAuth client created in this tenant."
            : "Use the token URL of the tenant's own region (uat, na, emea or apac) and an OAuth client created in this tenant.";
    }
}
