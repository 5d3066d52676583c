namespace Portal.Integrations.Uem;

/// <summary>The checks <see cref="UemConnectionVerifier"/> runs, in order; callers key on these, never on the labels users read.</summary>
public enum UemCheck
{
    Region,
    Token,
    SystemInfo,
    OrganizationGroup,
    ApiKeys,
    DeviceSearch,
    IntelligenceEula,
}

public static class UemChecks
{
    /// <summary>Which check a result of <see cref="UemConnectionVerifier"/> is; null for a result it did not produce.</summary>
    public static UemCheck? Of(DiagnosedCheck result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Check switch
        {
            "Region" => UemCheck.Region,
            "Token" => UemCheck.Token,
            "System info" => UemCheck.SystemInfo,
            "Organisation group" => UemCheck.OrganizationGroup,
            "API keys" => UemCheck.ApiKeys,
            "Device search" => UemCheck.DeviceSearch,
            "Intelligence EULA" => UemCheck.IntelligenceEula,
            _ => null,
        };
    }
}
