using System.Net;
using System.Text.RegularExpressions;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Foundation;

/// <summary>A private portal with no configured admin password, so one is generated and printed.</summary>
public sealed partial class FirstAdminTests
{
    [Fact]
    public async Task FirstStart_NoConfiguredPassword_GeneratedPasswordSignsInAndMustBeChanged()
    {
        var console = new StringWriter();
        FirstAdminBootstrapper.PasswordOutput = console;
        await using var portal = new PortalAppFactory()
            .WithSetting("Bootstrap:AdminPassword", "")
            .WithSetting("Bootstrap:AdminMustChangePassword", "true");
        await portal.InitializeAsync();
        FirstAdminBootstrapper.PasswordOutput = Console.Out;

        var password = PasswordLine().Match(console.ToString()).Groups[1].Value;
        password.Length.ShouldBe(20);
        LogFilesText(portal).ShouldNotContain(password); // printed to the console only, never a log file

        using var client = portal.CreatePortalClient();
        var signIn = await client.SignInAsync("admin", password);
        signIn.Headers.Location!.AbsolutePath.ShouldBe("/Account/ChangePassword");

        var home = await client.Http.GetAsync("/", Xunit.TestContext.Current.CancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.ToString().ShouldContain("/Account/ChangePassword");

        var changed = await client.ChangePasswordAsync(password, "Brand-New-Passw0rd!");
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await client.Http.GetAsync("/", Xunit.TestContext.Current.CancellationToken);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await after.Content.ReadAsStringAsync(Xunit.TestContext.Current.CancellationToken)).ShouldContain("Welcome");
    }

    private static string LogFilesText(PortalAppFactory portal) =>
        Directory.Exists(portal.LogFolder)
            ? string.Concat(Directory.GetFiles(portal.LogFolder).Select(f =>
            {
                using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                return new StreamReader(stream).ReadToEnd();
            }))
            : "";

    [GeneratedRegex(@"password:\s+(\S+)")]
    private static partial Regex PasswordLine();
}
