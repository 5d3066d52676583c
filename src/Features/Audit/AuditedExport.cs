namespace Portal.Features.Audit;

/// <summary>
/// When a CSV export's audit entry is written, for every export alike (audit trail, status board). Once every row is out,
/// with the number of rows. A download straight to a client that stops part-way (the client went away) is audited too, as
/// a failure with the rows written before it stopped: those rows are the client's. A page export writes into a temporary
/// file that is discarded when it is cancelled, so nothing reached anyone and a cancelled one leaves no entry.
/// </summary>
internal static class AuditedExport
{
    /// <summary>The entry, given the rows written, its outcome and whether the export stopped part-way.</summary>
    public delegate Task AuditEntryWriter(int rows, AuditOutcome outcome, bool stoppedEarly, CancellationToken cancellationToken);

    /// <param name="writeRows">Writes the rows, reporting the count so far through its argument, and returns the total.</param>
    /// <param name="audit">Writes the export's entry.</param>
    /// <param name="toClient">True for a download straight to a client; false for a page export into a temporary file.</param>
    /// <param name="cancellationToken">The export's; a download's entry is written even once it is cancelled.</param>
    public static async Task WriteAsync(Func<Action<int>, Task<int>> writeRows, AuditEntryWriter audit, bool toClient, CancellationToken cancellationToken)
    {
        var rows = 0;
        try
        {
            rows = await writeRows(written => rows = written);
        }
        catch (Exception) when (toClient && rows > 0)
        {
            await audit(rows, AuditOutcome.Failure, stoppedEarly: true, CancellationToken.None);
            throw;
        }

        // Every row is out: a client closing now must not skip the entry. A page export may still be cancelled here (its
        // file is then discarded).
        await audit(rows, AuditOutcome.Success, stoppedEarly: false, toClient ? CancellationToken.None : cancellationToken);
    }
}
