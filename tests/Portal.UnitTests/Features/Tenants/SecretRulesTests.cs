using Portal.Features.Tenants;

namespace Portal.UnitTests.Features.Tenants;

public sealed class SecretRulesTests
{
    [Fact]
    public void Check_PastedWithOuterWhitespace_TrimsAndWarns()
    {
        var check = SecretRules.Check("OAuth client secret", "  abcdEFGH1234\r\n");

        check.Value.ShouldBe("abcdEFGH1234");
        check.Error.ShouldBeNull();
        check.Warning.ShouldNotBeNull();
        check.Warning.ShouldContain("OAuth client secret");
    }

    [Fact]
    public void Check_CleanValue_NoWarning() =>
        SecretRules.Check("Key", "abcdEFGH1234").ShouldBe(new SecretCheck("abcdEFGH1234", null, null));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Check_Empty_MeansNotProvided(string? raw) =>
        SecretRules.Check("Key", raw).ShouldBe(new SecretCheck(null, null, null));

    [Theory]
    [InlineData("abcd EFGH1234", "inside the value")]
    [InlineData("abcd\tEFGH1234", "control characters")]
    [InlineData("abcdEFGH\u00001234", "control characters")]
    [InlineData("short", "expected 8-512")]
    [InlineData("   ", "only spaces")]
    public void Check_BadShape_ErrorNamesFieldAndFix(string raw, string expected)
    {
        var check = SecretRules.Check("UEM REST API key", raw);

        check.Value.ShouldBeNull();
        check.Error.ShouldNotBeNull();
        check.Error.ShouldStartWith("UEM REST API key");
        check.Error.ShouldContain(expected);
        check.Error.ShouldNotContain(raw.Trim() == "" ? "\u0001" : raw.Trim()); // never echoes the secret
    }

    [Fact]
    public void Check_TooLong_IsRejected() =>
        SecretRules.Check("Key", new string('a', SecretRules.MaxLength + 1)).Error.ShouldNotBeNull();

    [Fact]
    public void Fingerprint_IsKeyed_DiffersFromThePlainHashAndAcrossKeys()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var fingerprints = new SecretFingerprints(key);

        var keyed = fingerprints.Of("abc");

        keyed.ShouldStartWith(SecretFingerprints.Prefix);
        keyed.ShouldBe(fingerprints.Of("abc")); // stable: the same secret compares equal
        keyed.ShouldNotBe(fingerprints.Of("abd"));
        // Someone holding an evidence pack cannot confirm a guess with a plain hash ...
        keyed.ShouldNotContain(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("abc"u8))[..12]);
        keyed.ShouldNotBe(Portal.Integrations.SecretString.FingerprintOf("abc"));
        // ... nor with another server's key.
        new SecretFingerprints(key.Select(b => (byte)(b ^ 0xFF)).ToArray()).Of("abc").ShouldNotBe(keyed);
    }

    [Fact]
    public void SecretString_ToString_ShowsOnlyTheMask()
    {
        var secret = Portal.Integrations.SecretString.Create("abcdEFGH1234");

        secret.ToString().ShouldNotContain("abcdEFGH1234");
        secret.ToString().ShouldBe("***");
        secret.Fingerprint.ShouldBe(Portal.Integrations.SecretString.FingerprintOf("abcdEFGH1234"));
        secret.Reveal().ShouldBe("abcdEFGH1234");
    }
}
