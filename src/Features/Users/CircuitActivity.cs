using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Features.Users;

/// <summary>
/// When the person at this tab last did something: a click, a keystroke sent to a field, a navigation. HTTP requests
/// renew the cookie, but an open tab talks over its circuit only, so the idle limit of open tabs is measured here.
/// </summary>
public sealed class CircuitActivity(TimeProvider clock)
{
    private long _lastActivityTicks = clock.GetUtcNow().UtcTicks;

    public DateTimeOffset LastActivityUtc => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    public void Touch() => Interlocked.Exchange(ref _lastActivityTicks, clock.GetUtcNow().UtcTicks);
}

/// <summary>Records every inbound circuit call (events, navigation, interop replies) as activity of the circuit's user.</summary>
public sealed class CircuitActivityHandler(CircuitActivity activity) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            activity.Touch();
            return next(context);
        };
}
