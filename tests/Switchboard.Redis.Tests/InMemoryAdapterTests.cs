using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>The adapter specification for the default, in-memory adapter.</summary>
public sealed class InMemoryAdapterTests : AdapterSpecification
{
    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}");
}
