using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>
/// A portal with a seeded audit trail whose export can be held before it finishes (the "audit.exported" entry it writes
/// once the rows are out waits for the test), so Cancel is pressed while the export is certainly running.
/// </summary>
public sealed class LongWorkPortal : PortalAppFactory, IAsyncLifetime
{
    public const int Seeded = 3000;

    public LongWorkPortal() => WithSetting("Status:SweepEnabled", "false");

    public ExportGate Gate { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddScoped<AuditService>();
            services.AddScoped<IAuditSink>(sp => new GatedAuditSink(sp.GetRequiredService<AuditService>(), Gate));
        });
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var scope = Services.ScopeFor("seeder", Roles.Admin);
        await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteManyAsync(
            [.. Enumerable.Range(0, Seeded).Select(i => new AuditEvent("test.longwork", AuditOutcome.Success, "tenant-1", new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }))],
            Xunit.TestContext.Current.CancellationToken);
    }

    /// <summary>While closed, an export waits at its last step (until released or cancelled).</summary>
    public sealed class ExportGate
    {
        private volatile TaskCompletionSource? _closed;

        public void Close() => _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => Interlocked.Exchange(ref _closed, null)?.TrySetResult();

        public Task WaitAsync(CancellationToken ct) => _closed is { } closed ? closed.Task.WaitAsync(ct) : Task.CompletedTask;
    }

    private sealed class GatedAuditSink(AuditService inner, ExportGate gate) : IAuditSink
    {
        public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
        {
            if (auditEvent.Action == AuditActions.AuditExported)
            {
                await gate.WaitAsync(cancellationToken);
            }

            await inner.WriteAsync(auditEvent, cancellationToken);
        }

        public Task WriteManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken = default) => inner.WriteManyAsync(auditEvents, cancellationToken);
    }
}

/// <summary>Verify integrity and the audit export in Chromium: progress, Cancel, and the one-time download.</summary>
public sealed partial class LongWorkTests(BrowserPortal browser, LongWorkPortal portal) : IClassFixture<LongWorkPortal>
{
    [Fact]
    public async Task VerifyIntegrity_ShowsProgress_ThenTheResult()
    {
        var page = await OpenAuditPageAsync();
        // Record every text the progress panel shows: it may come and go between two polls.
        await page.EvaluateAsync("""
            () => {
                window.__progress = [];
                new MutationObserver(() => {
                    const status = document.querySelector('[data-testid=long-work-status]');
                    if (status) { window.__progress.push(status.textContent); }
                }).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" }).ClickAsync();

        var result = page.GetByTestId("verification-result");
        await Assertions.Expect(result).ToContainTextAsync("Chain intact", new() { Timeout = 30_000 });
        var seen = await page.EvaluateAsync<string[]>("() => window.__progress");
        seen.ShouldNotBeEmpty();
        seen.ShouldAllBe(text => ProgressText().IsMatch(text));
        await Assertions.Expect(page.GetByTestId("long-work")).ToHaveCountAsync(0); // the panel goes once the result is in
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Export_CancelledWhileRunning_SaysSo_AndKeepsNoFile()
    {
        var page = await OpenAuditPageAsync();
        var exportsBefore = await ExportEntriesAsync();
        portal.Gate.Close();
        try
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("long-work-status")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel Exporting the audit trail" }).ClickAsync();

            // Held before its audit entry, the export has counted its rows: the message gives the total as well.
            await Assertions.Expect(page.GetByTestId("export-message")).ToHaveTextAsync(new Regex($"^Export cancelled after [0-9,]+ of {LongWorkPortal.Seeded.ToString("N0", CultureInfo.InvariantCulture)} rows; no file was kept\\.$"));
            await Assertions.Expect(page.GetByTestId("export-download")).ToHaveCountAsync(0);
            (Directory.Exists(portal.DownloadFolder) ? Directory.GetFiles(portal.DownloadFolder) : []).ShouldBeEmpty();
            (await ExportEntriesAsync()).ShouldBe(exportsBefore); // a cancelled export is not recorded as an export
        }
        finally
        {
            portal.Gate.Open();
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Export_ToCompletion_DownloadsTheFileOnce()
    {
        var page = await OpenAuditPageAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync();
        var link = page.GetByTestId("export-download");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("export-ready")).ToContainTextAsync(new Regex("[0-9,]+ of [0-9,]+ rows written"));
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());

        var path = Path.Combine(BrowserPortal.ArtifactsFolder, "audit-export.csv");
        await download.SaveAsAsync(path);
        var lines = await File.ReadAllLinesAsync(path, Xunit.TestContext.Current.CancellationToken);
        lines[0].ShouldStartWith("Id,TimestampUtc,Actor");
        lines.Count(l => l.Contains("test.longwork", StringComparison.Ordinal)).ShouldBe(LongWorkPortal.Seeded);
        download.SuggestedFilename.ShouldStartWith("audit-");
        // Once only: the same link now answers 404, and the file is gone from the portal's temp folder.
        var again = await page.APIRequest.GetAsync(await link.GetAttributeAsync("href") ?? "");
        again.Status.ShouldBe(404);
        Directory.GetFiles(portal.DownloadFolder).ShouldBeEmpty();
        await page.Context.CloseAsync();
    }

    private async Task<int> ExportEntriesAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        return await db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.AuditExported, Xunit.TestContext.Current.CancellationToken);
    }

    private async Task<IPage> OpenAuditPageAsync()
    {
        var page = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(page, PortalAppFactory.AdminUserName, PortalAppFactory.AdminPassword);
        await page.GotoAsync("/audit?action=test.longwork");
        await BrowserPortal.WaitForInteractiveAsync(page);
        return page;
    }

    [GeneratedRegex("^(Counting: )?[0-9,]+( of [0-9,]+)? entries$")]
    private static partial Regex ProgressText();
}
