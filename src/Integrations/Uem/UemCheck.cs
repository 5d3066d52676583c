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
        return result.Uem;
    }

    /// <summary>The label users read in the wizard, on the board and in evidence.</summary>
    public static string Label(this UemCheck check) => check switch
    {
        UemCheck.Region => "Region",
        UemCheck.Token => "Token",
        UemCheck.SystemInfo => "System info",
        UemCheck.OrganizationGroup => "Organisation group",
        UemCheck.ApiKeys => "API keys",
        UemCheck.DeviceSearch => "Device search",
        UemCheck.IntelligenceEula => "Intelligence EULA",
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, null),
    };
}
