namespace Portal.IntegrationTests.Infrastructure;

/// <summary>
/// A reader that goes away as soon as the first bytes reach it (a dropped download, or a page's Cancel): it cancels the
/// given source on the first write, and counts the lines it got.
/// </summary>
public sealed class CancelOnFirstWriteStream(CancellationTokenSource cancellation) : MemoryStream
{
    public int Lines => ToArray().Count(b => b == (byte)'\n');

    public override void Write(byte[] buffer, int offset, int count)
    {
        base.Write(buffer, offset, count);
        cancellation.Cancel();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        base.Write(buffer);
        cancellation.Cancel();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether <paramref name="work"/> ended by cancellation (false when it completed).</summary>
    public static async Task<bool> CancelledAsync(Task work)
    {
        try
        {
            await work;
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }
}
