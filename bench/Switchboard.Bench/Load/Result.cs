using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Bench.Load;

/// <summary>One measurement, printed as one JSON line for the run script to tabulate.</summary>
internal sealed record Result(string Scenario, string Server, int Clients)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public double? SentPerSecond { get; init; }

    public double? DeliveredPerSecond { get; init; }

    public double? P50Microseconds { get; init; }

    public double? P99Microseconds { get; init; }

    public double? MaxMicroseconds { get; init; }

    public long? Lost { get; init; }

    public double? ConnectionsPerSecond { get; init; }

    public double? RssPerConnectionKb { get; init; }

    /// <summary>Server CPU time (user and system) per connection while the idle fleet connected.</summary>
    public double? ServerCpuMicrosecondsPerConnection { get; init; }

    /// <summary>Load generator CPU time (user and system) per connection while the idle fleet connected.</summary>
    public double? LoadCpuMicrosecondsPerConnection { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
