using System.Net;
using System.Net.Sockets;
using Coffer.Server.Configuration;
using Coffer.Server.Http.Outbound;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>
/// Where a provider may connect (Infisical's <c>verifyHostInputValidity</c>): the host is resolved once and the
/// connection goes to that address, so a name cannot resolve to a public address when checked and a private one when
/// used. Private, loopback and link-local addresses are refused unless the operator allows them
/// (DYNAMIC_SECRET_ALLOW_INTERNAL_IP or ALLOW_INTERNAL_IP_CONNECTIONS); Coffer's own database and Redis always are.
/// </summary>
public sealed class ProviderAddresses(CofferOptions options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public async Task<IPAddress> ResolveAsync(string host, int port, CancellationToken ct)
    {
        var name = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            if (!options.DynamicSecretAllowInternalIp && name is "localhost" or "host.docker.internal")
                throw new BadRequestException($"Local host IP addresses ({name}) are not allowed. {AllowHint("local host IP addresses")}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ResolveTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(name, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
            {
                throw new BadRequestException($"Failed to connect with provider: could not resolve host '{name}'");
            }
            if (addresses.Length == 0) throw new BadRequestException($"Failed to connect with provider: could not resolve host '{name}'");
        }
        if (!options.DynamicSecretAllowInternalIp && addresses.Any(InternalAddresses.IsInternal))
            throw new BadRequestException($"Private IP addresses ({name}) are not allowed. {AllowHint("private IP addresses")}");
        foreach (var own in options.OwnServiceEndpoints)
            if (own.Port == port && await SameHostAsync(own.Host, addresses, ct))
                throw new BadRequestException(
                    $"The host {host} belongs to a service that is in-use by Coffer, such as the Coffer database or Redis instance. " +
                    "You cannot use hosts that are in-use by Coffer.");
        // IPv4 first: "localhost" resolves to ::1 as well, where many servers do not listen.
        return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0).First();
    }

    private static string AllowHint(string what) =>
        $"If you are self-hosting, you can allow {what} by setting the 'DYNAMIC_SECRET_ALLOW_INTERNAL_IP' environment variable to 'true' on your instance.";

    private static async Task<bool> SameHostAsync(string ownHost, IPAddress[] target, CancellationToken ct)
    {
        IPAddress[] own;
        if (IPAddress.TryParse(ownHost.Trim('[', ']'), out var ip)) own = [ip];
        else if (ownHost.StartsWith('/')) return false; // a Unix socket is no TCP endpoint
        else
        {
            try
            {
                own = await Dns.GetHostAddressesAsync(ownHost, ct);
            }
            catch (SocketException)
            {
                return false;
            }
        }
        return own.Any(o => target.Any(t => Normalize(t).Equals(Normalize(o))));
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
