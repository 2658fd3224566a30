namespace Switchboard.Testing;

/// <summary>Folders of the repository, found from the test's output folder upward, wherever the repository is.</summary>
public static class RepositoryFolder
{
    /// <summary>
    /// The folder at <paramref name="relativePath"/> (such as <c>tests/interop</c>) of the first folder above the test's
    /// output folder that has it with <paramref name="marker"/> (such as <c>package.json</c>) inside.
    /// </summary>
    public static string Find(string relativePath, string marker)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(Path.Combine(candidate, marker)))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No {relativePath}/{marker} in {AppContext.BaseDirectory} or any folder above it.");
    }
}
