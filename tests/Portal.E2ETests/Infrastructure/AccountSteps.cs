using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;

namespace Portal.E2ETests.Infrastructure;

/// <summary>What a person does on the account pages, on any portal: sign in, read the key, type the code a phone would show.</summary>
public static class AccountSteps
{
    public static async Task<IPage> NewPageAsync(IBrowser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        return await context.NewPageAsync();
    }

    public static async Task SubmitPasswordAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/Account/Login");
    }

    public static async Task SubmitSecondFactorAsync(IPage page, string code)
    {
        page.Url.ShouldContain("/Account/LoginWithMfa");
        await page.GetByLabel("Authenticator code or recovery code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>The code an authenticator app shows now for <paramref name="key"/> (as the page shows it: grouped, any case).</summary>
    public static string Totp(string key) =>
        new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())).ComputeTotp();

    /// <summary>A user with a password, roles and (optionally) MFA already on; returns the authenticator key and recovery codes.</summary>
    public static async Task<(string Id, string? Key, IReadOnlyList<string> RecoveryCodes)> SeedUserAsync(
        IServiceProvider services, string userName, string password, string[] roles, bool mfa)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, password)).Succeeded.ShouldBeTrue();
        (await users.AddToRolesAsync(user, roles)).Succeeded.ShouldBeTrue();
        if (!mfa)
        {
            return (user.Id, null, []);
        }

        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10);
        return (user.Id, await users.GetAuthenticatorKeyAsync(user), [.. codes!]);
    }
}
