namespace Switchboard.Server.Tests.Harness;

/// <summary>Every await in a test has a timeout: these put one on a task.</summary>
public static class TaskTimeouts
{
    /// <summary>Long enough for a loaded machine, short enough that a hang fails the test quickly.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <summary>Waits for <paramref name="task"/>, failing with a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.WaitAsync(timeout ?? Default);
    }

    /// <summary>Waits for <paramref name="task"/>, failing with a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static Task WithTimeout(this Task task, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.WaitAsync(timeout ?? Default);
    }
}
