using System.Net;
using System.Text.RegularExpressions;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>Drives the static sign-in forms like a browser: fetches the antiforgery token, posts the form, keeps cookies.</summary>
public sealed partial class PortalHttpClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public async Task<HttpResponseMessage> SignInAsync(string userName, string password, string returnUrl = "/")
    {
        var page = await Http.GetStringAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["_handler"] = "login",
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        };
        return await Http.PostAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", new FormUrlEncodedContent(form));
    }

    /// <summary>The second sign-in step: an authenticator code or a recovery code.</summary>
    public async Task<HttpResponseMessage> SubmitMfaCodeAsync(string code, string returnUrl = "/")
    {
        var page = await Http.GetStringAsync($"/Account/LoginWithMfa?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["_handler"] = "login-mfa",
            ["Input.Code"] = code,
        };
        return await Http.PostAsync($"/Account/LoginWithMfa?ReturnUrl={Uri.EscapeDataString(returnUrl)}", new FormUrlEncodedContent(form));
    }

    public async Task<HttpResponseMessage> ChangePasswordAsync(string current, string next)
    {
        var page = await Http.GetStringAsync("/Account/ChangePassword");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["_handler"] = "change-password",
            ["Input.CurrentPassword"] = current,
            ["Input.NewPassword"] = next,
            ["Input.ConfirmPassword"] = next,
        };
        return await Http.PostAsync("/Account/ChangePassword", new FormUrlEncodedContent(form));
    }

    public static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page.");
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
