using Switchboard.EngineIO.Packets;

namespace Switchboard.EngineIO.Transports;

/// <summary>A way packets travel between a session and its client.</summary>
internal abstract class EngineTransport
{
    /// <summary>The transport's name in the <c>transport</c> query parameter.</summary>
    public abstract string Name { get; }

    /// <summary>Whether a packet queued now would be written at once (Node's <c>transport.writable</c>).</summary>
    public virtual bool IsWritable => true;

    /// <summary>
    /// Writes packets to the client on the calling thread, if the transport can and nothing is
    /// queued before them; false leaves them to the session's queue. Never throws.
    /// </summary>
    public virtual bool TryWriteThrough(EnginePacket[] packets) => false;

    /// <summary>Ends the transport after its session has closed; never throws.</summary>
    public abstract void Shutdown();
}
