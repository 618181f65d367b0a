using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Http;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// CIDR allow-lists for logins and token use. Stored as Infisical stores them: <c>[{ipAddress, type, prefix?}]</c>.
/// </summary>
public static class TrustedIps
{
    /// <summary>Reads <c>[{ipAddress}]</c> (min 1 entry) from a body; <see cref="Normalize"/> checks the addresses later (400).</summary>
    public static JsonArray? ReadRaw(Input body, string name)
    {
        var items = body.Objects(name, min: 1);
        if (items is null) return null;
        var result = new JsonArray();
        foreach (var item in items)
            if (item.String("ipAddress", trim: true) is { } address) result.Add(address);
        return result;
    }

    /// <summary>Plain addresses (as <see cref="ReadRaw"/> returns them) into the stored form.</summary>
    public static JsonArray Normalize(JsonArray addresses) => Normalize(addresses.Select(a => a!.GetValue<string>()));

    public static JsonArray Normalize(IEnumerable<string> addresses)
    {
        var stored = new JsonArray();
        foreach (var address in addresses)
        {
            if (!TryParse(address, out var network))
                throw new BadRequestException("The IP is not a valid IPv4, IPv6, or CIDR block");
            var entry = new JsonObject
            {
                ["ipAddress"] = network.BaseAddress.ToString(),
                ["type"] = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? "ipv4" : "ipv6",
            };
            if (address.Contains('/', StringComparison.Ordinal)) entry["prefix"] = network.PrefixLength;
            stored.Add(entry);
        }
        return stored;
    }

    public static JsonArray NormalizeDefault() => Normalize(["0.0.0.0/0", "::/0"]);

    public static bool TryParse(string text, out IPNetwork network)
    {
        network = default;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            // IPNetwork.TryParse rejects host bits; Infisical accepts "10.0.0.5/24" meaning its network.
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (!IPAddress.TryParse(text[..slash], out var addr) || !int.TryParse(text[(slash + 1)..], out var prefix)) return false;
            var max = addr.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (prefix < 0 || prefix > max) return false;
            network = new IPNetwork(Mask(addr, prefix), prefix);
            return true;
        }
        if (!IPAddress.TryParse(text, out var single)) return false;
        network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>
    /// The stored list as networks. Every login and every token check asks, almost always about one of a few stored
    /// texts (the default list above all), so parsed lists are kept by text; the arrays are shared and never changed.
    /// </summary>
    public static IPNetwork[] Parse(string storedJson)
    {
        if (Parsed.TryGetValue(storedJson, out var known)) return known;
        if (Parsed.Count >= MaxParsed) Parsed.Clear();
        return Parsed[storedJson] = ParseUncached(storedJson);
    }

    private const int MaxParsed = 1024;
    private static readonly ConcurrentDictionary<string, IPNetwork[]> Parsed = new(StringComparer.Ordinal);

    private static IPNetwork[] ParseUncached(string storedJson)
    {
        var list = new List<IPNetwork>();
        using var doc = JsonDocument.Parse(storedJson);
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var ip = IPAddress.Parse(entry.GetProperty("ipAddress").GetString()!);
            var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            var prefix = entry.TryGetProperty("prefix", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : max;
            list.Add(new IPNetwork(Mask(ip, prefix), prefix));
        }
        return [.. list];
    }

    public static bool Allows(IPNetwork[] networks, IPAddress address)
    {
        address = ClientIp.Normalize(address);
        foreach (var network in networks)
        {
            if (network.Contains(address)) return true;
            // "::/0" is Infisical's "any IPv6"; an IPv4 client is still matched by 0.0.0.0/0 above.
        }
        return false;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(bytes);
    }
}
