using System.Diagnostics.Metrics;

namespace Portal.Benchmarks;

/// <summary>
/// The circuits one app's server holds in memory, connected or disconnected but not yet evicted, from Blazor's own
/// <c>aspnetcore.components.circuit.active</c> counter. A closed browser page can leave its circuit held for a while, so
/// the number of pages the harness has open is not the number of circuits on the heap. Only that app's meter is read (its
/// <see cref="IMeterFactory"/> is the meter's scope): the portal and the anchor apps share this process.
/// Start it before the app's first circuit: the counter reports changes, not totals.
/// </summary>
public sealed class ActiveCircuits : IDisposable
{
    private const string MeterName = "Microsoft.AspNetCore.Components.Server.Circuits";
    private const string InstrumentName = "aspnetcore.components.circuit.active";
    private readonly MeterListener _listener = new();
    private long _count;
    private int _instruments;

    public ActiveCircuits(IMeterFactory appMeters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName && ReferenceEquals(instrument.Meter.Scope, appMeters))
            {
                Interlocked.Increment(ref _instruments);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, change, _, _) => Interlocked.Add(ref _count, change));
        _listener.Start();
    }

    /// <summary>Circuits held now; fails when the app never published the counter, rather than reading 0.</summary>
    public long Count => Volatile.Read(ref _instruments) > 0
        ? Interlocked.Read(ref _count)
        : throw new InvalidOperationException($"The app published no {InstrumentName} counter: circuits cannot be counted.");

    public void Dispose() => _listener.Dispose();
}
