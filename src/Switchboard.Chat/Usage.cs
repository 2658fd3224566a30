namespace Switchboard.Chat;

/// <summary>The text of <c>--help</c>.</summary>
internal static class Usage
{
    public const string Text = """
        Switchboard chat: a real-time chat server with its web page.

        Usage: dotnet run --project src/Switchboard.Chat [-- options]
               dotnet Switchboard.Chat.dll [options]

        Then open http://127.0.0.1:8080 (the page), or connect Socket.IO clients to /socket.io/
        and plain WebSocket clients to /ws.

        Options (each also settable in appsettings.json or as an environment variable, with
        "__" for ":", e.g. Chat__HistoryPath):
          --urls <urls>                    where to listen (default http://127.0.0.1:8080)
          --redis <host:port>              run as one node of a cluster (also --Chat:Redis): broadcasts,
                                           presence, history and nicknames shared through this Redis,
                                           with Node socket.io servers on its default key "socket.io"
                                           (default: none, a single server with a SQLite history)
          --Chat:HistoryPath <file>        the SQLite history file, without --redis
                                           (default ~/.local/share/switchboard-chat/history.db)
          --Chat:HistoryLength <n>         messages kept and shown per room (default 100)
          --Chat:MaxNicknameLength <n>     longest nickname accepted (default 32)
          --Chat:MaxMessageLength <n>      longest message accepted (default 2000)
          --SocketIO:PingInterval <time>   Engine.IO heartbeat interval (default 00:00:25)
          --SocketIO:PingTimeout <time>    Engine.IO heartbeat timeout (default 00:00:20)
          -h, --help                       show this text

        Endpoints: / (the page), /health (health check), /socket.io/ (Socket.IO), /ws (WebSocket).
        """;
}
