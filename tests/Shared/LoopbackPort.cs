using System.Net;
using System.Net.Sockets;

namespace Switchboard.Testing;

/// <summary>Ports on 127.0.0.1 for the servers a test starts in other processes, which cannot be told to take port 0.</summary>
public static class LoopbackPort
{
    /// <summary>A port free a moment ago: the system's pick for a listener on port 0, closed again.</summary>
    public static int Free() => Free(1)[0];

    /// <summary><paramref name="count"/> different ports free a moment ago (their listeners are all open while picking).</summary>
    public static int[] Free(int count)
    {
        var listeners = new TcpListener[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
            }

            return Array.ConvertAll(listeners, listener => ((IPEndPoint)listener.LocalEndpoint).Port);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Dispose();
            }
        }
    }
}
