using System.Text.Json;
using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class SecretStringTests
{
    [Fact]
    public void Create_WhitespaceAround_TrimsAndReportsIt()
    {
        var secret = SecretString.Create("  abc\n");

        secret.Reveal().ShouldBe("abc");
        secret.WasTrimmed.ShouldBeTrue();
        SecretString.Create("abc").WasTrimmed.ShouldBeFalse();
    }

    [Fact]
    public void ToString_AnyValue_ReturnsMask()
    {
        var secret = SecretString.Create("super-secret");

        secret.ToString().ShouldBe("***");
        $"{secret}".ShouldNotContain("super");
        JsonSerializer.Serialize(new { secret }).ShouldNotContain("super");
    }

    [Fact]
    public void Fingerprint_SameValue_StableSha256Prefix()
    {
        var a = SecretString.Create("abc");

        a.Fingerprint.ShouldBe("sha256:ba7816bf8f01");
        SecretString.Create(" abc ").Fingerprint.ShouldBe(a.Fingerprint);
        SecretString.Create("abd").Fingerprint.ShouldNotBe(a.Fingerprint);
    }

    [Fact]
    public void SensitiveValue_SerilogPolicy_RendersMask()
    {
        var policy = new Portal.Hosting.SecretDestructuringPolicy();

        policy.TryDestructure(SecretString.Create("abc"), null!, out var result).ShouldBeTrue();
        result.ToString().ShouldBe("\"***\"");
    }
}

public sealed class ConnectionRedactionTests
{
    [Fact]
    public void ToString_UemAndIntelligenceConnections_NeverShowSecrets()
    {
        var uem = new Portal.Integrations.Uem.UemConnection(new Uri("https://na.uemauth.workspaceone.com/connect/token"), new Uri("https://as1.awmdm.com"), "client", SecretString.Create("p4ssw0rd-secret"), SecretString.Create("APIKEY-123"));
        var intel = new Portal.Integrations.Intelligence.IntelligenceConnection(new Uri("https://auth.na1.data.workspaceone.com/oauth/token"), new Uri("https://api.na1.data.workspaceone.com/"), "svc", SecretString.Create("intel-s3cret"));

        uem.ToString().ShouldNotContain("p4ssw0rd");
        uem.ToString().ShouldNotContain("APIKEY-123");
        intel.ToString().ShouldNotContain("intel-s3cret");
        uem.ToString().ShouldContain("***");
    }
}
