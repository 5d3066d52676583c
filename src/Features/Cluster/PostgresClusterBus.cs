using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;

namespace Portal.Features.Cluster;

/// <summary>
/// PostgreSQL LISTEN/NOTIFY as the backplane: no extra infrastructure. Each instance keeps one listening connection
/// (reconnected with back-off when it drops) and publishes with <c>pg_notify</c>. Messages are small hints ("tenant 7
/// changed"); receivers re-read the database, so a message missed during a reconnect costs freshness, never correctness.
/// </summary>
public sealed class PostgresClusterBus(
    IOptions<DatabaseOptions> database,
    BackgroundWorkLease lease,
    ILogger<PostgresClusterBus> logger) : BackgroundService, IClusterBus
{
    public const string Channel = "portal_cluster";

    // NOTIFY payloads must stay under 8,000 bytes.
    public const int MaxPayloadBytes = 7000;

    private const char Separator = '\u001f';

    public event Func<ClusterMessage, Task>? Received;

    /// <summary>Completes once the listening connection is up (tests wait for it before publishing).</summary>
    public Task Listening => _listening.Task;

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(payload);
        var message = string.Join(Separator, lease.InstanceName, topic, payload);
        if (Encoding.UTF8.GetByteCount(message) > MaxPayloadBytes)
        {
            throw new ArgumentException($"Cluster message on '{topic}' is larger than {MaxPayloadBytes} bytes; split it.", nameof(payload));
        }

        try
        {
            await using var connection = new NpgsqlConnection(database.Value.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @message)", connection);
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("message", message);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Other instances refresh on their next poll or page load: a lost hint must not fail the caller's work.
            logger.LogWarning(ex, "Could not tell other instances about '{Topic}'", topic);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(database.Value.ConnectionString) { KeepAlive = 15, Pooling = false };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.IO.IOException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Cluster listener lost its database connection; reconnecting in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private void Deliver(string raw)
    {
        var parts = raw.Split(Separator, 3);
        if (parts.Length != 3 || parts[0] == lease.InstanceName)
        {
            return; // malformed, or our own message echoed back (we already told our own subscribers)
        }

        var handlers = Received;
        if (handlers is null)
        {
            return;
        }

        var message = new ClusterMessage(parts[1], parts[2], parts[0]);
        foreach (var handler in handlers.GetInvocationList().Cast<Func<ClusterMessage, Task>>())
        {
            _ = InvokeSafelyAsync(handler, message);
        }
    }

    private async Task InvokeSafelyAsync(Func<ClusterMessage, Task> handler, ClusterMessage message)
    {
        try
        {
            await handler(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "A subscriber failed on cluster message '{Topic}'", message.Topic);
        }
    }
}
