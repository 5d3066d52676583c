using System.Net;
using System.Net.Sockets;

namespace Portal.Integrations.Egress;

/// <summary>Which addresses an outbound call must never reach unless allowed, and the plain-words name of each rule.</summary>
public static class EgressRules
{
    public const string CloudMetadata = "169.254.169.254";

    private static readonly (IPNetwork Network, string Rule)[] Forbidden =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback (this machine)"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private network address (RFC 1918)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private network address (RFC 1918)"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private network address (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address (100.64.0.0/10)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved or broadcast"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "loopback (this machine)"),
        (IPNetwork.Parse("fc00::/7"), "a private network address (IPv6 ULA)"),
        (IPNetwork.Parse("fec0::/10"), "a private network address (IPv6 site-local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>The address an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address stands for; otherwise itself.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes[12..]);
        }

        return address;
    }

    /// <summary>The rule that forbids this address (e.g. "link-local (cloud metadata)"), or null when it is a public address.</summary>
    public static string? ForbiddenBy(IPAddress address)
    {
        var canonical = Canonical(address);
        foreach (var (network, rule) in Forbidden)
        {
            if (network.BaseAddress.AddressFamily == canonical.AddressFamily && network.Contains(canonical))
            {
                return canonical.ToString() == CloudMetadata ? "link-local (cloud metadata)" : rule;
            }
        }

        return null;
    }

    /// <summary>True when one of <paramref name="allowed"/> contains the address (IPv4-mapped forms included).</summary>
    public static bool IsAllowed(IPAddress address, IEnumerable<IPNetwork> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var canonical = Canonical(address);
        return allowed.Any(n => n.BaseAddress.AddressFamily == canonical.AddressFamily && n.Contains(canonical));
    }

    /// <summary>Host names that always mean this machine, refused before any DNS look-up.</summary>
    public static bool IsLoopbackName(string host) =>
        host.TrimEnd('.').Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.TrimEnd('.').EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}
