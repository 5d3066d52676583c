using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using Portal.Components.Shared.LongWork;

namespace Portal.Features.Tenants.Import;

/// <summary>Upload → dry run → import all or the valid rows. The work runs in the service; the page shows progress and cancels.</summary>
public sealed partial class TenantImportPage : IDisposable
{
    private ImportPreview? _preview;
    private ImportReport? _report;
    private string? _message;
    private Severity _messageSeverity = Severity.Info;
    private bool _running;
    private string _workTitle = "Dry run";
    private WorkProgress _progress;
    private CancellationTokenSource? _cancel;
    private DateTime _lastRender;

    [Inject]
    private TenantImportService Import { get; set; } = default!;

    private async Task DryRunAsync(InputFileChangeEventArgs e)
    {
        _preview = null;
        _report = null;
        if (e.File.Size > Import.Limits.MaxFileBytes)
        {
            Show(Severity.Error, $"{e.File.Name} is larger than {Import.Limits.MaxFileBytes / 1024} KB. Split it into smaller files (at most {Import.Limits.MaxRows} rows each).");
            return;
        }

        await RunAsync("Dry run", async ct =>
        {
            await using var stream = e.File.OpenReadStream(Import.Limits.MaxFileBytes, ct);
            _preview = await Import.DryRunAsync(e.File.Name, stream, Reporter(), ct);
            if (_preview.FileError is { } error)
            {
                Show(Severity.Error, error);
            }
            else
            {
                Show(_preview.InvalidCount == 0 ? Severity.Success : Severity.Warning, _preview.InvalidCount == 0
                    ? $"All {_preview.Rows.Count} rows are valid. Nothing is saved yet: import them below."
                    : $"{_preview.InvalidCount} of {_preview.Rows.Count} rows have errors (listed below with the fix). Nothing is saved yet.");
            }
        }, "Dry run cancelled. Nothing was saved.");
    }

    private Task ImportAsync(ImportMode mode) => RunAsync("Importing", async ct =>
    {
        var report = await Import.ImportAsync(_preview!, mode, Reporter(), ct);
        Show(report.Succeeded ? Severity.Success : Severity.Error, report.Message);
        if (report.Succeeded)
        {
            _report = report;
        }
        else
        {
            _preview = _preview! with { Rows = MergeSkipped(_preview!.Rows, report.Skipped) };
        }
    }, "Import cancelled. Nothing was imported.");

    private async Task RunAsync(string title, Func<CancellationToken, Task> work, string cancelledMessage)
    {
        _workTitle = title;
        _message = null;
        _progress = new WorkProgress(0, null);
        _running = true;
        _cancel = new CancellationTokenSource();
        try
        {
            await work(_cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Show(Severity.Info, cancelledMessage);
        }
        catch (IOException)
        {
            Show(Severity.Error, "The file could not be read (it may be larger than allowed, or the upload stopped). Choose it again.");
        }
        finally
        {
            _running = false;
            _cancel.Dispose();
            _cancel = null;
        }
    }

    /// <summary>Re-renders at most ten times a second (progress is reported once per row).</summary>
    private SyncProgress Reporter() => new(p =>
    {
        _progress = new WorkProgress(p.Done, p.Total);
        var now = DateTime.UtcNow;
        if (p.Done == p.Total || now - _lastRender > TimeSpan.FromMilliseconds(100))
        {
            _lastRender = now;
            _ = InvokeAsync(StateHasChanged);
        }
    });

    private void Cancel() => _cancel?.Cancel();

    private void Show(Severity severity, string message) => (_messageSeverity, _message) = (severity, message);

    /// <summary>After a refused import the rows show what the import found (e.g. a name taken since the dry run).</summary>
    private static List<ImportRow> MergeSkipped(IReadOnlyList<ImportRow> rows, IReadOnlyList<ImportRow> skipped) =>
        rows.Select(r => skipped.FirstOrDefault(s => s.Line == r.Line) ?? r).ToList();

    public void Dispose() => _cancel?.Cancel();

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post, and lag behind the work).</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
