namespace Switchboard.Redis.Tests.Harness;

/// <summary>One server of a test cluster, Switchboard or Node, running the <see cref="ClusterApp"/> handlers.</summary>
public interface IClusterServer : IAsyncDisposable
{
    /// <summary>The name its server-side handlers answer <c>whoami</c> with.</summary>
    string Name { get; }

    /// <summary>Where clients connect.</summary>
    Uri Url { get; }
}
