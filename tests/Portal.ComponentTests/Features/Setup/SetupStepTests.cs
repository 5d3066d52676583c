using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Setup;
using Portal.Features.Setup.Steps;
using Portal.Features.Setup.Steps.ApiKey;
using Portal.Features.Setup.Steps.Automation;
using Portal.Features.Setup.Steps.Client;
using Portal.Features.Setup.Steps.Confirm;
using Portal.Features.Setup.Steps.Intelligence;
using Portal.Features.Setup.Steps.Plan;
using Portal.Features.Setup.Steps.Skip;
using Portal.Features.Setup.Steps.Summary;
using Portal.Features.Setup.Steps.Verify;
using Portal.Features.Tenants;

namespace Portal.ComponentTests.Features.Setup;

public sealed class SetupStepTests : PortalComponentTest
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private readonly ScriptedWorkflow _workflow = new();

    public SetupStepTests()
    {
        Services.AddSingleton<ISetupWorkflow>(_workflow);
        Services.AddSingleton(TimeProvider.System);
        Services.AddOptions<Portal.Features.Setup.Steps.Automation.AutomationWatchOptions>();
    }

    private static SetupSnapshot SnapshotAt(SetupStep current, bool canRun = true, string? revealedTo = null)
    {
        var run = SetupRun.Start(7, SetupRunKind.InitialSetup, "helen", Now);
        foreach (var step in SetupRun.StepsOf(SetupRunKind.InitialSetup).TakeWhile(s => s != current))
        {
            run.Complete(step, "helen", Now, step.ToString(), "{}");
        }

        run.SecretRevealedTo = revealedTo;
        SecretStatus[] secrets =
        [
            new(TenantSecretKind.UemClientSecret, true, "sha256:0123456789ab", "helen", Now, true),
            new(TenantSecretKind.UemApiKey, true, "sha256:ba9876543210", "helen", Now, true),
            new(TenantSecretKind.IntelligenceClientSecret, false, null, null, null, true),
        ];
        return new SetupSnapshot(7, "Contoso", "INC-42", "https://cn1234.awmdm.com", "https://as1234.awmdm.com", "https://na.uemauth.workspaceone.com/connect/token",
            "CONTOSO", "Contoso Ltd", "client-123", null, false, secrets, run, canRun);
    }

    private IRenderedComponent<TStep> RenderStep<TStep>(SetupStep step, SetupSnapshot snapshot, bool readOnly = false) where TStep : SetupStepBase =>
        Render<TStep>(p => p.Add(s => s.Snapshot, snapshot).Add(s => s.Step, step).Add(s => s.ReadOnly, readOnly));

    [Fact]
    public void ClientStep_Renders_ConsolePathSuggestedValuesAndTheShownOnceWarning()
    {
        var step = RenderStep<ClientStep>(SetupStep.CreateOAuthClient, SnapshotAt(SetupStep.CreateOAuthClient));

        step.Markup.ShouldContain("OAuth Client Management");
        step.Markup.ShouldContain("Intelligence-Contoso-");
        step.Markup.ShouldContain("only once");
        step.FindAll("input").Count.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void ClientStep_VerificationFails_ShowsTheErrorAndEachLayerWithItsFix()
    {
        _workflow.Next = StepOutcome.Failed("Client secret: the token service answered invalid_client.", SnapshotAt(SetupStep.CreateOAuthClient),
            new VerificationReport([new("Region", true, "Token URL fits."), new("Token exchange", false, "invalid_client", "HTTP 400, na.uemauth.workspaceone.com", "Paste the secret again without spaces.")]));
        var step = RenderStep<ClientStep>(SetupStep.CreateOAuthClient, SnapshotAt(SetupStep.CreateOAuthClient));

        step.FindAll("button").Single(b => b.TextContent.Contains("Verify and save", StringComparison.Ordinal)).Click();

        step.WaitForAssertion(() => step.Find("[data-testid=step-error]").TextContent.ShouldContain("invalid_client"));
        step.Markup.ShouldContain("Token exchange: failed");
        step.Markup.ShouldContain("Paste the secret again without spaces.");
        step.Markup.ShouldContain("Region: passed");
        _workflow.Calls.ShouldContain(nameof(ISetupWorkflow.SubmitClientCredentialsAsync));
    }

    [Fact]
    public void ClientStep_SecretPastedWithSpaces_ShowsTheTenantFormsTrimWarning()
    {
        var step = RenderStep<ClientStep>(SetupStep.CreateOAuthClient, SnapshotAt(SetupStep.CreateOAuthClient));
        var secret = step.FindComponents<MudBlazor.MudTextField<string>>().Single(f => f.Instance.Label == "Client secret").Find("input");

        secret.Change("Sup3rSecret-ClientValue");
        step.FindAll("[data-testid=secret-trim-warning]").ShouldBeEmpty();

        secret.Change(" Sup3rSecret-ClientValue \n");
        step.WaitForAssertion(() => step.Find("[data-testid=secret-trim-warning]").TextContent
            .ShouldBe("Spaces or line breaks before or after the pasted value will be removed."));
        step.Find("[data-testid=secret-trim-warning]").GetAttribute("role").ShouldBe("status");
    }

    [Fact]
    public void ApiKeyStep_KeyPastedWithSpaces_ShowsTheTenantFormsTrimWarning()
    {
        var step = RenderStep<ApiKeyStep>(SetupStep.RestApiKey, SnapshotAt(SetupStep.RestApiKey));
        var key = step.FindComponents<MudBlazor.MudTextField<string>>().Single(f => f.Instance.Label == "REST API key").Find("input");

        key.Change("ApiKey-Plain-Text-6543210\t");

        step.WaitForAssertion(() => step.Find("[data-testid=secret-trim-warning]").TextContent.ShouldContain("will be removed"));
        key.Change("ApiKey-Plain-Text-6543210");
        step.WaitForAssertion(() => step.FindAll("[data-testid=secret-trim-warning]").ShouldBeEmpty());
    }

    [Fact]
    public void ClientStep_StepNotYetReachable_HasNoActions()
    {
        var step = RenderStep<ClientStep>(SetupStep.CreateOAuthClient, SnapshotAt(SetupStep.Plan));

        step.FindAll("button").ShouldNotContain(b => b.TextContent.Contains("Verify and save", StringComparison.Ordinal));
        step.Markup.ShouldNotContain("Already done in the console?");
    }

    [Fact]
    public void PlanStep_Renders_TheRolePermissionsIntelligenceNeeds()
    {
        var step = RenderStep<PlanStep>(SetupStep.Plan, SnapshotAt(SetupStep.Plan));

        step.Markup.ShouldContain("REST API Devices Read");
        step.Markup.ShouldContain("REST API Devices Advanced");
        step.Markup.ShouldContain("Customer-type");
    }

    [Fact]
    public void IntelligenceStep_Renders_EveryValueToPasteAndHidesRevealOnceUsed()
    {
        var fresh = RenderStep<IntelligenceStep>(SetupStep.AuthoriseIntelligence, SnapshotAt(SetupStep.AuthoriseIntelligence));
        fresh.Find("[data-testid=intelligence-api-url]").TextContent.ShouldBe("https://as1234.awmdm.com");
        fresh.Find("[data-testid=intelligence-token-url]").TextContent.ShouldBe("https://na.uemauth.workspaceone.com/connect/token");
        fresh.Markup.ShouldContain("Reveal the secret once");

        var used = RenderStep<IntelligenceStep>(SetupStep.AuthoriseIntelligence, SnapshotAt(SetupStep.AuthoriseIntelligence, revealedTo: "bob"));
        used.Markup.ShouldNotContain("Reveal the secret once");
        used.Markup.ShouldContain("Already revealed in this run to bob");
    }

    [Fact]
    public void AutomationStep_ReadOnlyViewer_SeesGuidanceButNoLockButton()
    {
        var step = RenderStep<AutomationStep>(SetupStep.ProveAutomation, SnapshotAt(SetupStep.ProveAutomation, canRun: false));

        step.Markup.ShouldContain("Lock Device");
        step.FindAll("button").ShouldNotContain(b => b.TextContent.Contains("Lock the test device", StringComparison.Ordinal));
    }

    [Fact]
    public void AutomationStep_Runner_WatchesTheEventLogAndHasNoSelfAttestation()
    {
        var step = RenderStep<AutomationStep>(SetupStep.ProveAutomation, SnapshotAt(SetupStep.ProveAutomation));

        step.FindAll("button").ShouldNotContain(b => b.TextContent.Contains("The automation locked the device", StringComparison.Ordinal));
        step.Find("[data-testid=automation-serial] input").Change("C02TEST0001");
        step.FindAll("button").Single(b => b.TextContent.Contains("Watch for the automation's Lock", StringComparison.Ordinal)).Click();

        _workflow.Calls.ShouldContain("WatchAutomationAsync:C02TEST0001");
    }

    [Fact]
    public void IntelligenceStep_CannotAuthorise_RechecksAndListsTheCausesInOrder()
    {
        var step = RenderStep<IntelligenceStep>(SetupStep.AuthoriseIntelligence, SnapshotAt(SetupStep.AuthoriseIntelligence));
        step.Find("[data-testid=tenant-code-note]").TextContent.ShouldContain("Tenant Code (only if Intelligence asks for it)");

        step.FindAll("button").Single(b => b.TextContent.Contains("Intelligence says it cannot authorise", StringComparison.Ordinal)).Click();

        _workflow.Calls.ShouldContain(nameof(ISetupWorkflow.RecheckForIntelligenceAsync));
        var causes = step.Find("[data-testid=authorise-causes]").QuerySelectorAll("li").Select(li => li.TextContent).ToList();
        causes.Count.ShouldBe(5);
        causes[0].ShouldStartWith("Token URL of another region");
        causes[1].ShouldStartWith("Secret mistyped or regenerated");
        causes[2].ShouldStartWith("Client disabled");
        causes[3].ShouldStartWith("Role too weak");
        causes[4].ShouldStartWith("Wrong organisation group");
    }

    private static SetupSnapshot RotationAt(SetupStep current)
    {
        var run = SetupRun.Start(7, SetupRunKind.Rotation, "helen", Now);
        foreach (var step in SetupRun.StepsOf(SetupRunKind.Rotation).TakeWhile(s => s != current))
        {
            run.Complete(step, "helen", Now, step.ToString(), step == SetupStep.CreateReplacementClient ? "{\"previousClientId\":\"client-old\"}" : "{}");
        }

        return SnapshotAt(SetupStep.Plan) with { Run = run };
    }

    [Fact]
    public void VerifyStep_Verify_ShowsEveryLayerOfTheReport()
    {
        _workflow.Next = new StepOutcome(true, null, new VerificationReport(
            [new("System info", true, "Workspace ONE UEM 2604 answered."), new("Device search", true, "Role can read devices (3 in total).")]), SnapshotAt(SetupStep.VerifyUem));
        var step = RenderStep<VerifyStep>(SetupStep.VerifyUem, SnapshotAt(SetupStep.VerifyUem));

        step.FindAll("button").Single(b => b.TextContent.Trim() == "Verify").Click();

        step.WaitForAssertion(() => step.Markup.ShouldContain("System info: passed"));
        step.Markup.ShouldContain("Role can read devices (3 in total).");
        _workflow.Calls.ShouldContain(nameof(ISetupWorkflow.VerifyAsync));
    }

    [Fact]
    public void ApiKeyStep_KeyRefused_ShowsTheErrorAndTheFix()
    {
        _workflow.Next = StepOutcome.Failed("REST API key: the key is not one of the keys of 'Contoso Ltd'.", SnapshotAt(SetupStep.RestApiKey),
            new VerificationReport([new("API keys", false, "The REST API key entered is not listed.", null, "Copy the key again at the Customer organisation group.")]));
        var step = RenderStep<ApiKeyStep>(SetupStep.RestApiKey, SnapshotAt(SetupStep.RestApiKey));

        step.FindAll("button").Single(b => b.TextContent.Contains("Verify and save", StringComparison.Ordinal)).Click();

        step.WaitForAssertion(() => step.Find("[data-testid=step-error]").TextContent.ShouldContain("not one of the keys"));
        step.Markup.ShouldContain("Copy the key again at the Customer organisation group.");
        _workflow.Calls.ShouldContain(nameof(ISetupWorkflow.SubmitApiKeyAsync));
    }

    [Fact]
    public void ApiKeyStep_Done_ShowsTheStoredFingerprintOnly()
    {
        var step = RenderStep<ApiKeyStep>(SetupStep.RestApiKey, SnapshotAt(SetupStep.VerifyUem));

        step.Markup.ShouldContain("REST API");
        step.Markup.ShouldContain("sha256:ba9876543210");
    }

    [Fact]
    public void ConfirmStep_Rotation_NamesTheOldClientAndWaitsForTheTick()
    {
        var step = RenderStep<ConfirmStep>(SetupStep.DisableOldClient, RotationAt(SetupStep.DisableOldClient));

        step.Markup.ShouldContain("client-old");
        step.FindAll("button").Single(b => b.TextContent.Trim() == "Confirm").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void VerifyStep_Finished_ShowsWhatWasVerifiedFromTheStoredEvidence()
    {
        var snapshot = SnapshotAt(SetupStep.AuthoriseIntelligence);
        snapshot.Run![SetupStep.VerifyUem].EvidenceJson = System.Text.Json.JsonSerializer.Serialize(new
        {
            verification = new[] { new VerificationLine("System info", true, "UEM 2604 answered."), new VerificationLine("Organisation group", true, "Found 'Contoso Ltd' (Customer).") },
        });

        var step = RenderStep<VerifyStep>(SetupStep.VerifyUem, snapshot);

        step.Markup.ShouldContain("System info: passed");
        step.Markup.ShouldContain("UEM 2604 answered.");
        step.Markup.ShouldContain("Contoso Ltd");
        step.Markup.ShouldContain("Verified when the step was done");
    }

    [Fact]
    public void SummaryStep_Renders_FingerprintsOnly()
    {
        var step = RenderStep<SummaryStep>(SetupStep.Summary, SnapshotAt(SetupStep.Summary));

        step.Markup.ShouldContain("sha256:0123456789ab");
        step.Markup.ShouldContain("sha256:ba9876543210");
        step.Markup.ShouldContain("INC-42");
    }

    [Fact]
    public void SkipStepForm_ShortReason_ShowsTheRefusal()
    {
        _workflow.Next = StepOutcome.Failed("Reason: say what was done in the console (at least 10 characters).", SnapshotAt(SetupStep.RestApiKey));
        var form = RenderStep<SkipStepForm>(SetupStep.RestApiKey, SnapshotAt(SetupStep.RestApiKey));

        form.FindAll("button").Single(b => b.TextContent.Contains("Mark as already done", StringComparison.Ordinal)).Click();

        form.WaitForAssertion(() => form.Find("[data-testid=step-error]").TextContent.ShouldContain("at least 10 characters"));
    }

    private sealed class ScriptedWorkflow : ISetupWorkflow
    {
        public StepOutcome Next { get; set; } = new(true, null, null, null);

        public List<string> Calls { get; } = [];

        private Task<StepOutcome> Record(string name)
        {
            Calls.Add(name);
            return Task.FromResult(Next);
        }

        public Task<SetupSnapshot?> LoadAsync(int tenantId, CancellationToken ct = default) => Task.FromResult(Next.Snapshot);

        public Task<StepOutcome> StartAsync(int tenantId, SetupRunKind kind, CancellationToken ct = default) => Record(nameof(StartAsync));

        public Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(int tenantId, string groupId, CancellationToken ct = default) =>
            Task.FromResult(new OrganizationGroupLookup(true, "Contoso Ltd", null, "Customer", VerificationReport.OneLine("Organisation group", true, "Found")));

        public Task<StepOutcome> RunStepAsync<TInput>(Guid runId, Guid version, SetupStep step, TInput input, CancellationToken ct = default)
            where TInput : notnull => Record(typeof(TInput).Name);

        public Task<StepOutcome> ConfirmPlanAsync(Guid runId, Guid version, string groupId, string roleName, CancellationToken ct = default) => Record(nameof(ConfirmPlanAsync));

        public Task<StepOutcome> SubmitClientCredentialsAsync(Guid runId, Guid version, SetupStep step, string clientId, string clientSecret, CancellationToken ct = default) => Record(nameof(SubmitClientCredentialsAsync));

        public Task<StepOutcome> SubmitApiKeyAsync(Guid runId, Guid version, string apiKey, CancellationToken ct = default) => Record(nameof(SubmitApiKeyAsync));

        public Task<StepOutcome> VerifyAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default) => Record(nameof(VerifyAsync));

        public Task<StepOutcome> ConfirmIntelligenceAsync(Guid runId, Guid version, SetupStep step, bool authorisedConfirmed, CancellationToken ct = default) => Record(nameof(ConfirmIntelligenceAsync));

        public Task<StepOutcome> LockTestDeviceAsync(Guid runId, Guid version, string serialNumber, string confirmation, CancellationToken ct = default) => Record(nameof(LockTestDeviceAsync));

        public Task<StepOutcome> WatchAutomationAsync(Guid runId, Guid version, string serialNumber, TimeSpan wait, CancellationToken ct = default) => Record(nameof(WatchAutomationAsync) + ":" + serialNumber);

        public Task<StepOutcome> RecheckForIntelligenceAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default) => Record(nameof(RecheckForIntelligenceAsync));

        public Task<StepOutcome> ConfirmAsync(Guid runId, Guid version, SetupStep step, string? note, CancellationToken ct = default) => Record(nameof(ConfirmAsync));

        public Task<StepOutcome> SkipAsync(Guid runId, Guid version, SetupStep step, string reason, CancellationToken ct = default) => Record(nameof(SkipAsync));

        public Task<SecretReveal> RevealSecretAsync(Guid runId, Guid version, CancellationToken ct = default) => Task.FromResult(new SecretReveal(false, "no", null));
    }
}
