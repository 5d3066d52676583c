using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>
/// Every log event a portal writes, captured as its Serilog pipeline renders it (destructuring policies applied).
/// Registered as an <see cref="ILogEventSink"/> in the portal's services, which its Serilog set-up reads
/// (<c>ReadFrom.Services</c>); Microsoft <c>ILoggerProvider</c>s are not consulted once Serilog owns logging.
/// </summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Level, category (source context) and rendered message.</summary>
    public IReadOnlyCollection<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    /// <summary>One line per event: level, category, message, every property and the exception text.</summary>
    public IReadOnlyCollection<string> Lines => [.. _lines];

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var category = logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name } ? name : "";
        var level = ToLogLevel(logEvent.Level);
        var message = logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture);
        var properties = string.Join(";", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _entries.Enqueue((level, category, message));
        _lines.Enqueue($"{level} {category}: {message} [{properties}] {logEvent.Exception}");
    }

    private static LogLevel ToLogLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => LogLevel.Trace,
        LogEventLevel.Debug => LogLevel.Debug,
        LogEventLevel.Information => LogLevel.Information,
        LogEventLevel.Warning => LogLevel.Warning,
        LogEventLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
