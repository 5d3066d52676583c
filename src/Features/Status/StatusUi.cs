using MudBlazor;

namespace Portal.Features.Status;

/// <summary>Colour and icon per status/outcome; always shown next to text.</summary>
internal static class StatusUi
{
    public static Color Color(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Failing or ConnectionStatus.NeedsReauthorisation => MudBlazor.Color.Error,
        ConnectionStatus.Degraded => MudBlazor.Color.Warning,
        ConnectionStatus.Connected => MudBlazor.Color.Success,
        ConnectionStatus.SetupInProgress => MudBlazor.Color.Info,
        _ => MudBlazor.Color.Default,
    };

    public static string Icon(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Failing => Icons.Material.Filled.Error,
        ConnectionStatus.NeedsReauthorisation => Icons.Material.Filled.LockReset,
        ConnectionStatus.Degraded => Icons.Material.Filled.Warning,
        ConnectionStatus.Stale => Icons.Material.Filled.HourglassEmpty,
        ConnectionStatus.SetupInProgress => Icons.Material.Filled.Construction,
        ConnectionStatus.Connected => Icons.Material.Filled.CheckCircle,
        _ => Icons.Material.Filled.RemoveCircleOutline,
    };

    public static Color Color(CheckOutcome outcome) => StatusPresentation.Severity(outcome) switch
    {
        0 => MudBlazor.Color.Success,
        1 => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Error,
    };

    public static string Icon(CheckOutcome outcome) => StatusPresentation.Severity(outcome) switch
    {
        0 => Icons.Material.Filled.CheckCircle,
        1 => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Error,
    };

    /// <summary>Hex colours for the inline SVG summary bar (the legend carries the text).</summary>
    public static string Hex(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Failing => "#c62828",
        ConnectionStatus.NeedsReauthorisation => "#ad1457",
        ConnectionStatus.Degraded => "#ef6c00",
        ConnectionStatus.Stale => "#757575",
        ConnectionStatus.SetupInProgress => "#1565c0",
        ConnectionStatus.Connected => "#2e7d32",
        _ => "#bdbdbd",
    };
}
