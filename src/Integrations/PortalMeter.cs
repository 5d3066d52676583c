namespace Portal.Integrations;

/// <summary>
/// The name of the portal's own <see cref="System.Diagnostics.Metrics.Meter"/>. It lives here, in the lowest layer, so
/// the integrations can count token requests on it without depending on the Telemetry feature that exports it.
/// </summary>
public static class PortalMeter
{
    public const string Name = "ConnectorPortal";
}
