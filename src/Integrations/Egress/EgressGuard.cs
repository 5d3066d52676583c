using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Portal.Integrations.Egress;

/// <summary>Resolves a host name for the guard; a seam so tests can make a name resolve to any address.</summary>
public interface IEgressResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver.</summary>
public sealed class DnsEgressResolver : IEgressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// In demo mode the portal's own address, where the built-in simulator answers. Registered by demo mode only:
/// without it nothing loopback is reachable.
/// </summary>
public interface IEgressDemoEndpoint
{
    /// <summary>host:port of the simulator (the portal itself).</summary>
    Uri BaseUrl { get; }
}

/// <summary>A connection the guard refused. Carries the rule and the setting that would open it; never retried.</summary>
public sealed class EgressRefusedException : Exception
{
    public const string Fix = "To allow a lab network add it to Egress:AllowedNetworks.";

    public EgressRefusedException()
    {
    }

    public EgressRefusedException(string message)
        : base(message)
    {
    }

    public EgressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EgressRefusedException(string host, IPAddress address, string rule)
        : base(Describe(host, address, rule))
    {
        Host = host;
        Address = address;
        Rule = rule;
    }

    public string Host { get; } = "";

    public IPAddress? Address { get; }

    public string Rule { get; } = "";

    /// <summary>The refusal in one sentence, without the fix.</summary>
    public static string Describe(string host, IPAddress address, string rule)
    {
        ArgumentNullException.ThrowIfNull(address);
        var shown = EgressRules.Canonical(address).ToString();
        var who = string.Equals(host.Trim('[', ']'), shown, StringComparison.OrdinalIgnoreCase) || string.Equals(host.Trim('[', ']'), address.ToString(), StringComparison.OrdinalIgnoreCase)
            ? shown
            : $"{host} resolves to {shown}, which";
        return $"Refused by the egress guard: {who} is {rule}. {Fix}";
    }

    /// <summary>The refusal behind an exception (HttpClient and MailKit wrap it), or null.</summary>
    public static EgressRefusedException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is EgressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}

/// <summary>
/// The one fence every outbound call goes through (UEM, Intelligence, webhooks, SMTP). It resolves the name once,
/// refuses internal addresses unless <see cref="EgressOptions.AllowedNetworks"/> allows them, and connects to the very
/// address it checked, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
/// </summary>
public sealed class EgressGuard(IEgressResolver resolver, IOptionsMonitor<EgressOptions> options, IEgressDemoEndpoint? demo = null)
{
    /// <summary>Null when the guard lets <paramref name="address"/> through for <paramref name="host"/>:<paramref name="port"/>; otherwise the refusal.</summary>
    public EgressRefusedException? Check(string host, int port, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(address);
        if (IsDemoSimulator(host, port) || EgressRules.IsAllowed(address, options.CurrentValue.ParsedNetworks()))
        {
            return null;
        }

        return EgressRules.ForbiddenBy(address) is { } rule ? new EgressRefusedException(host, address, rule) : null;
    }

    /// <summary>For save-time checks: the refusal for a host that is an IP literal or a loopback name, or null (names are checked again at connect time).</summary>
    public string? CheckLiteral(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        if (IsDemoSimulator(host, port))
        {
            return null;
        }

        if (EgressRules.IsLoopbackName(bare))
        {
            return Check(bare, port, IPAddress.Loopback)?.Message;
        }

        return IPAddress.TryParse(bare, out var address) ? Check(bare, port, address)?.Message : null;
    }

    /// <summary>Resolves, checks and connects; throws <see cref="EgressRefusedException"/> when no permitted address remains.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        IPAddress[] addresses = IPAddress.TryParse(bare, out var literal) ? [literal]
            : EgressRules.IsLoopbackName(bare) ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
            : await resolver.ResolveAsync(bare, cancellationToken);
        EgressRefusedException? refused = null;
        var permitted = new List<IPAddress>();
        foreach (var address in addresses)
        {
            var refusal = Check(bare, port, address);
            if (refusal is null)
            {
                permitted.Add(address);
            }
            else
            {
                refused ??= refusal;
            }
        }

        if (permitted.Count == 0)
        {
            throw refused ?? (Exception)new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex; // try the next checked address, never a fresh resolution
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>A handler for HttpClient whose every connection goes through this guard; redirects are never followed.</summary>
    public SocketsHttpHandler CreateHttpHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.All,
        ConnectCallback = async (context, cancellationToken) =>
            new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken), ownsSocket: true),
    };

    private bool IsDemoSimulator(string host, int port) =>
        demo?.BaseUrl is { } simulator
        && simulator.Port == port
        && string.Equals(simulator.Host.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
}
