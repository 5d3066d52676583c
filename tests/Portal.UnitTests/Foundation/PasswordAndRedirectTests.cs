using Portal.Components.Account;
using Portal.Features.Users;

namespace Portal.UnitTests.Foundation;

public sealed class PasswordAndRedirectTests
{
    [Fact]
    public void GeneratePassword_Always_MeetsThePolicyAndDiffers()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => FirstAdminBootstrapper.GeneratePassword()).ToList();

        passwords.ShouldAllBe(p => p.Length == 20 && p.Any(char.IsUpper) && p.Any(char.IsLower) && p.Any(char.IsDigit) && p.Any(c => !char.IsLetterOrDigit(c)));
        passwords.Distinct().Count().ShouldBe(50);
    }

    [Theory]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("/admin/users", "/admin/users")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("admin/users", "/")]
    public void SafeReturnUrl_GivenInput_OnlyAllowsLocalPaths(string? input, string expected)
    {
        Login.SafeReturnUrl(input).ShouldBe(expected);
    }

    [Fact]
    public void BootstrapOptions_ShortPassword_IsRejectedWithTheSettingName()
    {
        var options = new BootstrapOptions { AdminPassword = "short" };

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        results.ShouldHaveSingleItem().ErrorMessage!.ShouldContain("Bootstrap:AdminPassword");
        new BootstrapOptions { AdminPassword = "" }.Validate(new(options)).ShouldBeEmpty();
    }
}
