using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Bench.Load;

/// <summary>What a process (the server under test, or the load generator itself) holds and has spent, read from /proc.</summary>
internal static class ProcessUsage
{
    /// <summary>Resident set size in KB (VmRSS).</summary>
    public static long ResidentKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }

    /// <summary>User plus system CPU time spent so far by every thread of the process.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }
}
