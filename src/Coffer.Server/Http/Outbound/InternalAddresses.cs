using System.Net;
using System.Net.Sockets;

namespace Coffer.Server.Http.Outbound;

/// <summary>Addresses no outbound call reaches unless the operator allows internal connections.</summary>
public static class InternalAddresses
{
    /// <summary>
    /// Loopback, private (RFC 1918, unique local), link-local (the cloud metadata address among them), shared
    /// (100.64/10), unspecified and multicast addresses, IPv4-mapped ones included.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (IPAddress.IsLoopback(a) || a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.IPv6None)) return true;
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = a.GetAddressBytes();
            return b[0] == 10 || b[0] == 0 || b[0] == 127
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || b[0] >= 224;
        }
        var v6 = a.GetAddressBytes();
        return a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC;
    }
}
