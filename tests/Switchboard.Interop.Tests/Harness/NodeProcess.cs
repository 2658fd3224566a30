using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>Starts <c>node</c> on a script of an npm folder, its standard streams redirected as UTF-8, for the harnesses that drive Node peers.</summary>
internal static class NodeProcess
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs <c>node <paramref name="script"/></c> in <paramref name="folder"/> with <paramref name="environment"/> added.</summary>
    public static Process Start(string folder, string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        start.ArgumentList.Add(script);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null for node.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start `node` (is Node.js on PATH?): {e.Message}", e);
        }
    }
}
