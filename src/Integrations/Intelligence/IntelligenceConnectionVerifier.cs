namespace Portal.Integrations.Intelligence;

/// <summary>Checks an Intelligence service account: token from the auth. host, then an authenticated probe on the api. host.</summary>
public sealed class IntelligenceConnectionVerifier(IntelligenceClient client)
{
    public async Task<IReadOnlyList<DiagnosedCheck>> VerifyAsync(IntelligenceConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var results = new List<DiagnosedCheck>();
        var context = new DiagnosisContext(connection.ClientId, connection.ClientSecret.WasTrimmed);
        if (connection.ApiBaseUrl.Host.StartsWith("auth.", StringComparison.OrdinalIgnoreCase))
        {
            results.Add(DiagnosedCheck.Failed("Intelligence API host", DiagnosisLayer.Intelligence, FailureCause.UnexpectedResponse,
                "The API URL uses the auth. host, which only serves tokens.", $"Use https://api.{connection.ApiBaseUrl.Host[5..]} for API calls."));
            return results;
        }

        try
        {
            var token = await client.GetTokenAsync(connection, cancellationToken);
            results.Add(DiagnosedCheck.Passed("Intelligence token", DiagnosisLayer.Intelligence, $"Token received; valid until {token.ExpiresAt:HH:mm} UTC."));
        }
        catch (IntegrationException ex)
        {
            results.Add(ConnectionDiagnosis.Diagnose("Intelligence token", DiagnosisLayer.Intelligence, ex, context) is { Cause: FailureCause.InvalidClient } invalid
                ? invalid with { Fix = "Check the client id and secret from the service account's JSON file. If someone regenerated the secret in Intelligence → Settings → Service Accounts, the old one no longer works: download the new one." }
                : ConnectionDiagnosis.Diagnose("Intelligence token", DiagnosisLayer.Intelligence, ex, context));
            return results;
        }

        try
        {
            var page = await client.ProbeAsync(connection, cancellationToken);
            results.Add(DiagnosedCheck.Passed("Intelligence API", DiagnosisLayer.Intelligence, $"Authenticated API call succeeded ({page.TotalCount ?? 0} entities)."));
        }
        catch (IntegrationException ex)
        {
            results.Add(ConnectionDiagnosis.Diagnose("Intelligence API", DiagnosisLayer.Intelligence, ex, context));
        }

        return results;
    }
}
