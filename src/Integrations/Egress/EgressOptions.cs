using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Portal.Integrations.Egress;

/// <summary>
/// The egress guard's one setting. By default every outbound call (UEM, Intelligence, webhooks, SMTP) is refused when
/// it would reach loopback, private, link-local, CGNAT, multicast or unspecified addresses; these networks open it again.
/// </summary>
public sealed class EgressOptions : IValidatableObject
{
    public const string SectionName = "Egress";

    /// <summary>CIDR networks that may be reached although they are internal, e.g. <c>10.20.0.0/16</c> for a lab UEM.</summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>The parsed <see cref="AllowedNetworks"/> (entries that do not parse are reported by validation).</summary>
    public IReadOnlyList<IPNetwork> ParsedNetworks() =>
        [.. AllowedNetworks.Select(n => TryParse(n, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];

    /// <summary>A CIDR network whose address has no host bits (10.20.0.0/16, not 10.20.0.1/16, which is likely a typo).</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        var slash = text?.Trim().IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0
            && IPNetwork.TryParse(text!.Trim(), out network)
            && IPAddress.TryParse(text.Trim()[..slash], out var written)
            && written.Equals(network.BaseAddress);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AllowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            if (!TryParse(entry, out _))
            {
                yield return new ValidationResult(
                    $"Egress:AllowedNetworks entry '{entry}' is not a CIDR network. Write it like 10.20.0.0/16 or fd00:1::/64 (no host bits after the prefix).",
                    [nameof(AllowedNetworks)]);
            }
        }
    }
}
