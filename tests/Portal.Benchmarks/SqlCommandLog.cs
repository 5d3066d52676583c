using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Portal.Benchmarks;

/// <summary>
/// Records the queries the portal runs while <see cref="Recording"/> is on (text and parameters), so a scenario can ask
/// PostgreSQL for the plan of exactly what a feature ran (<see cref="ExplainAsync"/>).
/// </summary>
public sealed class SqlCommandLog : DbCommandInterceptor
{
    private readonly List<RecordedCommand> _commands = [];

    public bool Recording { get; set; }

    public sealed record RecordedCommand(string Text, IReadOnlyList<NpgsqlParameter> Parameters);

    /// <summary>The distinct commands recorded (by text: pages of the same query differ only in their values).</summary>
    public IReadOnlyList<RecordedCommand> Distinct()
    {
        lock (_commands)
        {
            return _commands.DistinctBy(c => c.Text).ToList();
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
        CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        // Queries only: EXPLAIN of a write is harmless, but the plan check is about reads.
        if (!Recording || command is not NpgsqlCommand npgsql || !npgsql.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        lock (_commands)
        {
            _commands.Add(new RecordedCommand(npgsql.CommandText, npgsql.Parameters.Select(p => p.Clone()).ToList()));
        }
    }

    /// <summary>PostgreSQL's plan of a recorded command (EXPLAIN without ANALYZE: the planner's choice, nothing is run).</summary>
    public static async Task<string> ExplainAsync(NpgsqlConnection connection, RecordedCommand recorded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(recorded);
#pragma warning disable CA2100 // the portal's own recorded query, not input
        await using var command = new NpgsqlCommand("EXPLAIN " + recorded.Text, connection);
#pragma warning restore CA2100
        foreach (var parameter in recorded.Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
