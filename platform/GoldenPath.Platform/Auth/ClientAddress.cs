using System.Net;
using System.Net.Sockets;

namespace GoldenPath.Platform.Auth;

/// <summary>
/// Whom a request without a valid token is counted as: its client's IPv4 address, or the /64 network of its IPv6
/// address (one host usually holds a whole /64, and could otherwise take a new address for every request). The address
/// is the connection's peer, or the client a trusted proxy forwarded for (<see cref="PlatformOptions.TrustedProxies"/>).
/// </summary>
internal static class ClientAddress
{
    public static string Key(HttpContext context) => Key(context.Connection.RemoteIpAddress);

    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
