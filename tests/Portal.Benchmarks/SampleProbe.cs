using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime;
using System.Text;

namespace Portal.Benchmarks;

/// <summary>
/// Attribution of one timed call: what the process did during it, read just before and just after the call. All of it
/// is process-wide (the portal's background services run in this process too), so a delta is an upper bound for the call.
/// </summary>
/// <param name="Ms">Elapsed wall-clock time of the call.</param>
/// <param name="GcPauseMs">Time the runtime was paused for garbage collections (<see cref="GC.GetTotalPauseDuration"/>).</param>
/// <param name="ReadChars"><c>rchar</c> of <c>/proc/self/io</c>: bytes read through read syscalls, the OS cache's hits included
/// (for SQLite: pages its own page cache did not hold). Less the probe's own read of that file.</param>
/// <param name="ReadBytes"><c>read_bytes</c>: bytes the process made the kernel fetch from the block device.</param>
/// <param name="EfCompiles">Misses of EF Core's compiled query cache (meter <c>Microsoft.EntityFrameworkCore</c>): queries compiled.</param>
/// <param name="EfQueries">Queries EF Core executed.</param>
/// <param name="JitMethods">Methods the JIT compiled (tier-0, tier-1 and OSR alike), on any thread.</param>
/// <param name="CpuMs">CPU time of the whole process (user + kernel), all threads.</param>
/// <param name="CpuWaitMs">CPU pressure (<c>/proc/pressure/cpu</c>, "some"): time in which at least one runnable task of the
/// machine (or container) waited for a CPU. Elapsed time well above <paramref name="CpuMs"/> with this high is time the call
/// spent waiting its turn on a loaded machine, not work.</param>
/// <param name="ThreadPoolItems">Thread-pool work items completed.</param>
/// <param name="LockContentions">Contended <see cref="Monitor"/> lock acquisitions.</param>
public readonly record struct ProfiledSample(
    double Ms, double GcPauseMs, int Gen0, int Gen1, int Gen2, long ReadChars, long ReadBytes, long EfCompiles, long EfQueries,
    long JitMethods, double JitMs, double CpuMs, double CpuWaitMs, long AllocatedBytes, long ThreadPoolItems, long LockContentions);

/// <summary>
/// Reads the counters of a <see cref="ProfiledSample"/>. EF Core's counters are observable instruments of the meter
/// <c>Microsoft.EntityFrameworkCore</c> (<c>microsoft.entityframeworkcore.compiled_query_cache_misses</c>, <c>.queries</c>),
/// observed on demand through a <see cref="MeterListener"/>.
/// </summary>
public sealed class SampleProbe : IDisposable
{
    private const string EfMeter = "Microsoft.EntityFrameworkCore";
    private const string EfCompiledQueryCacheMisses = "microsoft.entityframeworkcore.compiled_query_cache_misses";
    private const string EfQueries = "microsoft.entityframeworkcore.queries";

    private readonly MeterListener _listener = new();
    private readonly long _ioReadOverhead;
    private long _efCompiles = -1;
    private long _efQueries = -1;

    public SampleProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EfMeter && instrument.Name is EfCompiledQueryCacheMisses or EfQueries)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Observe(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Observe(instrument.Name, value));
        _listener.Start();

        // Reading /proc files is itself a read: measure what one reading adds to rchar, to take it off each sample.
        var first = ReadProcIo();
        _ = ReadCpuPressure();
        var second = ReadProcIo();
        _ioReadOverhead = Math.Max(0, second.ReadChars - first.ReadChars);
    }

    /// <summary>Whether EF Core's meter was seen: without it the compile counts would be zeros that mean nothing.</summary>
    public bool SeesEfCore => Interlocked.Read(ref _efCompiles) >= 0;

    public async Task<List<ProfiledSample>> RepeatAsync(int times, Func<Task> action)
    {
        var samples = new List<ProfiledSample>(times);
        for (var i = 0; i < times; i++)
        {
            var before = Read();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await action();
            var ms = watch.Elapsed.TotalMilliseconds;
            var after = Read();
            samples.Add(new ProfiledSample(
                ms,
                (after.GcPause - before.GcPause).TotalMilliseconds,
                after.Gen0 - before.Gen0,
                after.Gen1 - before.Gen1,
                after.Gen2 - before.Gen2,
                Math.Max(0, after.Io.ReadChars - before.Io.ReadChars - _ioReadOverhead),
                after.Io.ReadBytes - before.Io.ReadBytes,
                after.EfCompiles - before.EfCompiles,
                after.EfQueries - before.EfQueries,
                after.JitMethods - before.JitMethods,
                (after.JitTime - before.JitTime).TotalMilliseconds,
                (after.Cpu - before.Cpu).TotalMilliseconds,
                (after.CpuWaitMicroseconds - before.CpuWaitMicroseconds) / 1000.0,
                after.Allocated - before.Allocated,
                after.ThreadPoolItems - before.ThreadPoolItems,
                after.LockContentions - before.LockContentions));
        }

        return samples;
    }

    public void Dispose() => _listener.Dispose();

    private void Observe(string instrument, long value)
    {
        if (instrument == EfCompiledQueryCacheMisses)
        {
            Interlocked.Exchange(ref _efCompiles, value);
        }
        else if (instrument == EfQueries)
        {
            Interlocked.Exchange(ref _efQueries, value);
        }
    }

    private Reading Read()
    {
        _listener.RecordObservableInstruments();
        return new Reading(
            GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), ReadProcIo(),
            Interlocked.Read(ref _efCompiles), Interlocked.Read(ref _efQueries),
            JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime(),
            Environment.CpuUsage.TotalTime, ReadCpuPressure(), GC.GetTotalAllocatedBytes(), ThreadPool.CompletedWorkItemCount, Monitor.LockContentionCount);
    }

    private readonly record struct Reading(
        TimeSpan GcPause, int Gen0, int Gen1, int Gen2, (long ReadChars, long ReadBytes) Io, long EfCompiles, long EfQueries,
        long JitMethods, TimeSpan JitTime, TimeSpan Cpu, long CpuWaitMicroseconds, long Allocated, long ThreadPoolItems, long LockContentions);

    /// <summary>rchar and read_bytes of <c>/proc/self/io</c> (Linux); zeros elsewhere.</summary>
    private static (long ReadChars, long ReadBytes) ReadProcIo()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0);
        }

        long rchar = 0, readBytes = 0;
        foreach (var line in File.ReadAllLines("/proc/self/io"))
        {
            if (line.StartsWith("rchar:", StringComparison.Ordinal))
            {
                rchar = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
            {
                readBytes = long.Parse(line.AsSpan(11).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return (rchar, readBytes);
    }

    /// <summary>The "some" line's total (microseconds) of <c>/proc/pressure/cpu</c>; 0 where the kernel has no PSI.</summary>
    private static long ReadCpuPressure()
    {
        if (!File.Exists("/proc/pressure/cpu"))
        {
            return 0;
        }

        foreach (var line in File.ReadAllLines("/proc/pressure/cpu"))
        {
            var total = line.IndexOf("total=", StringComparison.Ordinal);
            if (line.StartsWith("some ", StringComparison.Ordinal) && total >= 0)
            {
                return long.Parse(line.AsSpan(total + 6).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

/// <summary>A scenario's per-sample table and its summary of the slow samples (over twice the median).</summary>
public static class SampleReport
{
    /// <summary>One line per sample, fixed-width (not a Markdown table: the results file's table rows stay the only ones).</summary>
    public static string Table(string title, IReadOnlyList<ProfiledSample> samples)
    {
        var median = Median(samples);
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"{title}: per sample (process-wide deltas around each call; * = over 2x the median {median:0.000} ms)");
        builder.AppendLine("     #        ms  gc-pause-ms  gc0/1/2   rchar-kB  disk-kB  ef-compiles  ef-queries  jit-methods  jit-ms   cpu-ms  cpu-wait-ms  alloc-kB  tp-items  lock-cont");
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            builder.AppendLine(CultureInfo.InvariantCulture,
                $"  {(IsSlow(s, median) ? '*' : ' ')}{i + 1,3} {s.Ms,9:0.000} {s.GcPauseMs,12:0.000} {$"{s.Gen0}/{s.Gen1}/{s.Gen2}",8} {s.ReadChars / 1024.0,10:0.0} {s.ReadBytes / 1024.0,8:0.0} {s.EfCompiles,12} {s.EfQueries,11} {s.JitMethods,12} {s.JitMs,7:0.00} {s.CpuMs,8:0.00} {s.CpuWaitMs,12:0.00} {s.AllocatedBytes / 1024.0,9:0.0} {s.ThreadPoolItems,9} {s.LockContentions,10}");
        }

        return builder.ToString();
    }

    /// <summary>
    /// Key lines <c>{prefix}-cold-ms</c> (the first sample), <c>-warm-p95-ms</c> (the samples after it), <c>-slow-samples</c>
    /// and, summed over the slow samples, their GC pause, compiles, JIT, disk and read-syscall bytes, CPU time and CPU pressure.
    /// </summary>
    public static void Report(BenchmarkSettings settings, string prefix, IReadOnlyList<ProfiledSample> samples)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var median = Median(samples);
        var slow = samples.Where(s => IsSlow(s, median)).ToList();
        settings.Report($"{prefix}-cold-ms", samples[0].Ms, "0.000");
        settings.Report($"{prefix}-cold-compiles", samples[0].EfCompiles, "0");
        settings.Report($"{prefix}-warm-p95-ms", new BenchmarkResult("", "", [.. samples.Skip(1).Select(s => s.Ms)], null).P95, "0.000");
        settings.Report($"{prefix}-slow-samples", slow.Count, "0");
        settings.Report($"{prefix}-slow-ms", slow.Sum(s => s.Ms), "0.000");
        settings.Report($"{prefix}-slow-gc-pause-ms", slow.Sum(s => s.GcPauseMs), "0.000");
        settings.Report($"{prefix}-slow-compiles", slow.Sum(s => s.EfCompiles), "0");
        settings.Report($"{prefix}-slow-jit-methods", slow.Sum(s => s.JitMethods), "0");
        settings.Report($"{prefix}-slow-jit-ms", slow.Sum(s => s.JitMs), "0.000");
        settings.Report($"{prefix}-slow-read-bytes", slow.Sum(s => s.ReadBytes), "0");
        settings.Report($"{prefix}-slow-rchar-bytes", slow.Sum(s => s.ReadChars), "0");
        settings.Report($"{prefix}-slow-cpu-ms", slow.Sum(s => s.CpuMs), "0.000");
        settings.Report($"{prefix}-slow-cpu-wait-ms", slow.Sum(s => s.CpuWaitMs), "0.000");
    }

    private static bool IsSlow(ProfiledSample sample, double median) => sample.Ms > 2 * median;

    private static double Median(IReadOnlyList<ProfiledSample> samples) =>
        new BenchmarkResult("", "", [.. samples.Select(s => s.Ms)], null).Median;
}
