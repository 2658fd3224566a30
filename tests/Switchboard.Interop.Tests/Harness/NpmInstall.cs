using System.Diagnostics;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Installs the npm packages of <c>tests/interop</c> from its lock file (<c>npm ci</c>) the first
/// time a test needs them, so a fresh clone needs nothing but <c>dotnet test</c>. A file lock keeps
/// test processes that start together from installing at once.
/// </summary>
internal static class NpmInstall
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureAsync(string folder)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var fileLock = await LockAsync(Path.Combine(folder, ".npm-install.lock")).ConfigureAwait(false);
            if (IsInstalled(folder))
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }

            using var npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm.");
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (npm.ExitCode != 0 || !IsInstalled(folder))
            {
                throw new InvalidOperationException($"npm ci in {folder} failed ({npm.ExitCode}):\n{await output.ConfigureAwait(false)}\n{await errors.ConfigureAwait(false)}");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    // npm writes node_modules/.package-lock.json last; it must describe the committed lock file's packages.
    private static bool IsInstalled(string folder)
    {
        var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
        return File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json"));
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                // Another test process is installing; its lock goes when it is done.
                await Task.Delay(200, timeout.Token).ConfigureAwait(false);
            }
        }
    }
}
