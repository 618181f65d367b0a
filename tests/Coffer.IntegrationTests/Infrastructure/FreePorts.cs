using System.Net;
using System.Net.Sockets;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>A loopback port free at the moment of asking (a server started on it may still lose a race; callers retry where that matters).</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
