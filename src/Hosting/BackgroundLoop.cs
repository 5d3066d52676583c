namespace Portal.Hosting;

/// <summary>
/// One pass of a background loop (sweeper, notification dispatcher, audit pruning, lease renewal). Any failure is
/// logged and the loop goes on; only the host stopping ends it. An <see cref="OperationCanceledException"/> that is not
/// the host stopping (an HTTP timeout, a cancelled query, a linked token) is a failure like any other, not a reason to quit.
/// </summary>
public static class BackgroundLoop
{
    /// <summary>Runs <paramref name="pass"/>; true when it finished, false when it failed and was logged.</summary>
    public static async Task<bool> RunPassAsync(Func<CancellationToken, Task> pass, ILogger logger, string failureMessage, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            await pass(stoppingToken);
            return true;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
#pragma warning disable CA2254 // each loop passes its own constant sentence
            logger.LogError(ex, failureMessage);
#pragma warning restore CA2254
            return false;
        }
    }
}
