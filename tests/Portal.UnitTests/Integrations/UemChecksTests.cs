using Portal.Integrations;
using Portal.Integrations.Uem;

namespace Portal.UnitTests.Integrations;

public sealed class UemChecksTests
{
    [Fact]
    public void Label_EveryCheckTheVerifierRuns_HasItsOwnLabel()
    {
        // The labels in the order UemConnectionVerifier reports them (pinned over real HTTP in UemTokenTests).
        string[] labels = ["Region", "Token", "System info", "Organisation group", "API keys", "Device search", "Intelligence EULA"];

        Enum.GetValues<UemCheck>().Select(check => check.Label()).ShouldBe(labels);
    }

    [Fact]
    public void Of_KeysOnTheCheck_NotOnItsLabel()
    {
        // A result that merely reads "Token" (another verifier's, or a renamed label) is not the UEM token check.
        UemChecks.Of(DiagnosedCheck.Passed("Token", DiagnosisLayer.TokenExchange, "ok")).ShouldBeNull();
        UemChecks.Of(DiagnosedCheck.Passed("A new wording", DiagnosisLayer.TokenExchange, "ok") with { Uem = UemCheck.Token }).ShouldBe(UemCheck.Token);
    }
}
