namespace Switchboard.EngineIO;

/// <summary>The Engine.IO transports, as a set.</summary>
[Flags]
public enum EngineTransports
{
    /// <summary>No transport.</summary>
    None = 0,

    /// <summary>HTTP long-polling (<c>transport=polling</c>).</summary>
    Polling = 1,

    /// <summary>WebSocket (<c>transport=websocket</c>).</summary>
    WebSocket = 2,
}
