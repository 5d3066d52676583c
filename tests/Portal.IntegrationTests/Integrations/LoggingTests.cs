using Microsoft.Extensions.DependencyInjection;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.IntegrationTests.Integrations;

public sealed class LoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_SuccessAndFailureFlows_ContainNoSecretTokenOrApiKey()
    {
        await using var harness = await IntegrationsTestPortal.StartAsync(cancellationToken: Ct);
        var connection = harness.DemoConnection();
        var basic = harness.DemoConnection(ClientAuthStyle.BasicHeader);

        await harness.Verifier.VerifyAsync(connection, new UemVerifyOptions(true, true), Ct);
        await harness.Verifier.VerifyAsync(basic, null, Ct);
        await harness.Api.LockDeviceAsync(connection, SimulatorDemo.AntivirusOffDeviceId, Ct);
        harness.State.ExpireAllTokens();
        await harness.Api.GetSystemInfoAsync(connection, Ct); // 401 → refresh → retry
        await harness.Verifier.VerifyAsync(connection with { ClientSecret = SecretString.Create(SimulatorDemo.ClientSecret + "x") }, null, Ct);
        await harness.Verifier.VerifyAsync(connection with { ClientId = SimulatorDemo.ReadOnlyClientId, ClientSecret = SecretString.Create(SimulatorDemo.ReadOnlyClientSecret) }, null, Ct);
        await harness.Services.GetRequiredService<IntelligenceConnectionVerifier>().VerifyAsync(harness.DemoIntelligence(), Ct);

        var lines = harness.Logs.Lines;
        lines.ShouldNotBeEmpty();
        lines.ShouldContain(l => l.Contains("Authorization", StringComparison.Ordinal)); // headers are logged at Trace, redacted
        string[] secrets =
        [
            SimulatorDemo.ClientSecret, SimulatorDemo.ReadOnlyClientSecret, SimulatorDemo.ApiKey, SimulatorDemo.IntelligenceClientSecret,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SimulatorDemo.ClientId}:{SimulatorDemo.ClientSecret}")),
            .. harness.State.IssuedTokenValues,
        ];
        harness.State.IssuedTokenValues.Count.ShouldBeGreaterThan(3);
        foreach (var secret in secrets)
        {
            lines.ShouldNotContain(l => l.Contains(secret, StringComparison.Ordinal), $"a log line contains {secret[..4]}…");
        }
    }
}
