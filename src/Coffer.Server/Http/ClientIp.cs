using System.Net;
using Coffer.Server.Configuration;

namespace Coffer.Server.Http;

/// <summary>
/// The client's real address. X-Forwarded-For is believed only when the peer is a configured trusted proxy, and then
/// walked from the right past every trusted hop, so a client cannot pick its own IP by sending the header itself.
/// </summary>
public sealed class ClientIp(CofferOptions options)
{
    public IPAddress Resolve(HttpContext context)
    {
        var peer = Normalize(context.Connection.RemoteIpAddress ?? IPAddress.IPv6None);
        if (options.TrustedProxies.Count == 0 || !IsTrusted(peer)) return peer;

        var header = context.Request.Headers["X-Forwarded-For"];
        if (header.Count == 0) return peer;
        var hops = string.Join(',', header.ToArray()).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var current = peer;
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop)) return current;
            current = Normalize(hop);
            if (!IsTrusted(current)) return current;
        }
        return current;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var net in options.TrustedProxies)
            if (net.Contains(address)) return true;
        return false;
    }

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
