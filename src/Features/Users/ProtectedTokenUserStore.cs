using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Users;

/// <summary>
/// Identity's user store with its tokens (the authenticator key and the recovery codes) encrypted with Data Protection,
/// so a copy of the database alone neither yields anyone's second factor nor a usable recovery code.
/// </summary>
public sealed class ProtectedTokenUserStore(PortalDbContext context, IDataProtectionProvider dataProtection, IdentityErrorDescriber? describer = null)
    : UserStore<PortalUser, IdentityRole, PortalDbContext>(context, describer)
{
    public const string Purpose = "Portal.Users.IdentityTokens.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public override Task SetTokenAsync(PortalUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : _protector.Protect(value), cancellationToken);

    public override async Task<string?> GetTokenAsync(PortalUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return stored is null ? null : _protector.Unprotect(stored);
    }
}
