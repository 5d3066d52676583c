using Microsoft.Extensions.Logging.Abstractions;
using Portal.Hosting;

namespace Portal.UnitTests.Hosting;

public sealed class BackgroundLoopTests
{
    [Fact]
    public async Task Loop_PassCancelledByATimeoutNotTheHost_KeepsRunning()
    {
        using var stopping = new CancellationTokenSource();
        var passes = 0;
        var thirdPass = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A loop written like the portal's background services: only the host stopping ends it.
        var loop = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                await BackgroundLoop.RunPassAsync(async token =>
                {
                    passes++;
                    if (passes == 1)
                    {
                        // What an HTTP timeout or a cancelled query looks like: cancelled, but not by the host.
                        using var timeout = new CancellationTokenSource();
                        await timeout.CancelAsync();
                        await Task.Delay(Timeout.Infinite, timeout.Token);
                    }

                    if (passes == 3)
                    {
                        thirdPass.TrySetResult();
                    }

                    await Task.Yield();
                }, NullLogger.Instance, "pass failed", stopping.Token);
            }
        }, TestContext.Current.CancellationToken);

        await thirdPass.Task.WaitAsync(TestContext.Current.CancellationToken);
        await stopping.CancelAsync();
        await loop.WaitAsync(TestContext.Current.CancellationToken);

        passes.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task RunPass_HostStopping_LetsTheCancellationEndTheLoop()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() =>
            BackgroundLoop.RunPassAsync(token => Task.Delay(Timeout.Infinite, token), NullLogger.Instance, "pass failed", stopping.Token));
    }

    [Fact]
    public async Task RunPass_Failure_IsReportedAndSwallowed() =>
        (await BackgroundLoop.RunPassAsync(_ => throw new InvalidOperationException("boom"), NullLogger.Instance, "pass failed", CancellationToken.None)).ShouldBeFalse();
}
