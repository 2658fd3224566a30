namespace Switchboard.Server.Tests.Harness;

/// <summary>The event ids of Switchboard.EngineIO.EngineLog, so tests can wait for or assert a log line.</summary>
public static class EngineEvents
{
    public const int SessionOpened = 1;
    public const int SessionClosed = 2;
    public const int RequestRejected = 3;
    public const int ProtocolViolation = 4;
    public const int Upgraded = 5;
    public const int UpgradeFailed = 6;
    public const int TransportFailed = 9;
    public const int PollAccepted = 10;
}
