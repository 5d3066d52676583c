using Portal.Integrations;
using Portal.Integrations.Uem;

namespace Portal.UnitTests.Integrations;

public sealed class UemChecksTests
{
    [Fact]
    public void Of_EveryCheckTheVerifierRuns_HasItsOwnKind()
    {
        // The labels in the order UemConnectionVerifier reports them (pinned over real HTTP in UemTokenTests).
        string[] labels = ["Region", "Token", "System info", "Organisation group", "API keys", "Device search", "Intelligence EULA"];

        var kinds = labels.Select(label => UemChecks.Of(DiagnosedCheck.Passed(label, DiagnosisLayer.TokenExchange, "ok"))).ToList();

        kinds.ShouldBe(Enum.GetValues<UemCheck>().Cast<UemCheck?>());
        UemChecks.Of(DiagnosedCheck.Passed("Something else", DiagnosisLayer.TokenExchange, "ok")).ShouldBeNull();
    }
}
