using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Adapters;

/// <summary>A persisted session claimed by a reconnecting client, with the events it missed, oldest first.</summary>
/// <param name="Session">What was persisted when the socket lost its connection.</param>
/// <param name="MissedPackets">The encoded events sent to the session's rooms since the client's offset.</param>
public sealed record RecoveredSession(PersistedSession Session, IReadOnlyList<EnginePacket[]> MissedPackets);
