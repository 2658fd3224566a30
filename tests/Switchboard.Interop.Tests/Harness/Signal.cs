using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>Signals for the processes a test starts, which .NET can only kill outright.</summary>
internal static class Signal
{
    /// <summary>Sends SIGTERM, as a service manager does to stop a server gracefully; does not wait for the exit.</summary>
    public static async Task TerminateAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
