using System.Net;
using System.Net.Sockets;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>Ports for the servers the tests start on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>A loopback port nothing listens on (for now).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
