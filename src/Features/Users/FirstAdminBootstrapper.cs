using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Users;

/// <summary>
/// Creates the roles and, on an empty user table, the first admin account: one query per table and one save, so nothing
/// is half-created. It writes the rows itself with Identity's normalizer, password validators and hasher, because the
/// managers' lookups (role by name, user-name uniqueness, role membership) would each compile a first query while
/// start-up waits.
/// </summary>
public sealed class FirstAdminBootstrapper(
    IDbContextFactory<PortalDbContext> dbFactory,
    UserManager<PortalUser> users,
    IOptions<BootstrapOptions> options,
    TimeProvider clock,
    ILogger<FirstAdminBootstrapper> logger)
{
    /// <summary>Where the generated password goes: the console only, never a log sink.</summary>
    public static TextWriter PasswordOutput { get; set; } = Console.Out;

    public async Task EnsureRolesAndFirstAdminAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roleIds = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id, cancellationToken);
        foreach (var role in Roles.All.Where(role => !roleIds.ContainsKey(role)))
        {
            var created = new IdentityRole(role) { NormalizedName = users.NormalizeName(role) };
            db.Roles.Add(created);
            roleIds[role] = created.Id;
        }

        if (await db.Users.AnyAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var settings = options.Value;
        var generated = string.IsNullOrEmpty(settings.AdminPassword);
        var password = generated ? GeneratePassword() : settings.AdminPassword!;
        var admin = new PortalUser
        {
            UserName = settings.AdminUserName,
            NormalizedUserName = users.NormalizeName(settings.AdminUserName),
            SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
            DisplayName = "Administrator",
            MustChangePassword = settings.AdminMustChangePassword,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        foreach (var validator in users.PasswordValidators)
        {
            EnsureSucceeded(await validator.ValidateAsync(users, admin, password), "create the first admin");
        }

        admin.PasswordHash = users.PasswordHasher.HashPassword(admin, password);
        db.Users.Add(admin);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = admin.Id, RoleId = roleIds[Roles.Admin] });
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Created the first admin account {UserName}", admin.UserName);

        if (generated)
        {
            await PasswordOutput.WriteLineAsync(
                $"""

                =====================================================================
                 Connector Portal: first admin account created
                   user name: {admin.UserName}
                   password:  {password}
                 This password is shown once and must be changed at first sign-in.
                =====================================================================

                """.AsMemory(), cancellationToken);
            await PasswordOutput.FlushAsync(cancellationToken);
        }
    }

    /// <summary>A 20-character password with every character class Identity's policy asks for.</summary>
    internal static string GeneratePassword()
    {
        const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string Lower = "abcdefghijkmnopqrstuvwxyz";
        const string Digits = "23456789";
        const string Symbols = "!#%+-=?@^_";
        const string All = Upper + Lower + Digits + Symbols;
        var chars = new char[20];
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = All[RandomNumberGenerator.GetInt32(All.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static void EnsureSucceeded(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
