using Microsoft.JSInterop;

namespace Portal.Components.Shared;

/// <summary>The viewer's time zone (from the browser), for showing UTC timestamps in local time.</summary>
public sealed class BrowserTime(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? _module;

    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Call from OnAfterRenderAsync(firstRender): JS is not available while prerendering.</summary>
    public async Task<TimeZoneInfo> DetectAsync()
    {
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/portal.js");
            var id = await _module.InvokeAsync<string>("timeZone");
            TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (JSException)
        {
            TimeZone = TimeZoneInfo.Utc;
        }

        return TimeZone;
    }

    public string Format(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public string ZoneLabel => TimeZone.Id;

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; nothing to release in the browser.
            }
        }
    }
}
