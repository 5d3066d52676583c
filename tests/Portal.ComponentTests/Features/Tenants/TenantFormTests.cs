using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Features.Regions;
using Portal.Features.Tenants;

namespace Portal.ComponentTests.Features.Tenants;

public sealed class TenantFormTests : PortalComponentTest
{
    private static readonly RegionSummary Na = new(1, RegionProduct.Uem, "na", "North America", RegionKind.Production,
        "https://na.uemauth.workspaceone.com/connect/token", "https://na.uemauth.vmwservices.com/connect/token", null,
        "Virginia (US)", null, false, DateTime.UnixEpoch, "seed", Guid.NewGuid());

    private static readonly RegionSummary Emea = new(2, RegionProduct.Uem, "emea", "EMEA", RegionKind.Production,
        "https://emea.uemauth.workspaceone.com/connect/token", null, null, "Frankfurt (DE)", null, false, DateTime.UnixEpoch, "seed", Guid.NewGuid());

    private readonly List<TenantEditModel> _saved = [];

    public TenantFormTests()
    {
        AddAuthorization().SetAuthorized("helen").SetRoles("Helpdesk");
    }

    private IRenderedComponent<TenantForm> RenderForm(TenantEditModel model, Func<TenantEditModel, Task<TenantSaveResult>>? onSave = null, IReadOnlyList<SecretStatus>? secrets = null)
    {
        Render<MudPopoverProvider>();
        return Render<TenantForm>(p => p
            .Add(f => f.Model, model)
            .Add(f => f.Regions, [Na, Emea])
            .Add(f => f.Secrets, secrets)
            .Add(f => f.OnSave, onSave ?? (m =>
            {
                _saved.Add(m);
                return Task.FromResult(TenantSaveResult.Saved(1, "Saved.", []));
            })));
    }

    private static TenantEditModel ValidModel() => new()
    {
        DisplayName = "Contoso",
        UemConsoleUrl = "https://cn1234.awmdm.com",
        UemApiUrl = "https://as1234.awmdm.com",
        UemRegionId = Na.Id,
        UemTokenUrl = Na.TokenUrl,
    };

    private static void ChangeField(IRenderedComponent<TenantForm> cut, string label, string value) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == label).Find("input").Change(value);

    [Fact]
    public void TenantForm_TokenUrlWithTrailingSlash_RemovedWithAVisibleNote()
    {
        var cut = RenderForm(ValidModel());

        ChangeField(cut, "UEM token URL", "https://na.uemauth.workspaceone.com/connect/token/");
        ChangeField(cut, "UEM REST API URL", "https://as1234.awmdm.com/");

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=url-note]").Count.ShouldBe(2));
        cut.Find("[data-testid=url-note]").TextContent.ShouldBe("The trailing slash was removed: the portal adds the path itself.");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => _saved.ShouldHaveSingleItem());
        _saved[0].UemTokenUrl.ShouldBe("https://na.uemauth.workspaceone.com/connect/token");
        _saved[0].UemApiUrl.ShouldBe("https://as1234.awmdm.com");
    }

    [Fact]
    public void TenantForm_LongAndInvisibleText_NotCutByTheBrowser_RefusedWithTheLimit()
    {
        var cut = RenderForm(ValidModel());
        // No maxlength attribute: the browser would silently cut a paste to the limit.
        cut.FindAll("input, textarea").ShouldAllBe(e => e.GetAttribute("maxlength") == null || e.GetAttribute("maxlength") == "524288");

        ChangeField(cut, "Display name", new string('x', 5000));
        ChangeField(cut, "Customer / ticket reference", "QA \u202Eevil");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() =>
        {
            cut.Markup.ShouldContain("Display name must be at most 100 characters (it has 5000).");
            cut.Markup.ShouldContain("Customer / ticket reference contains an invisible control or text-direction character (U+202E); remove it.");
        });
        _saved.ShouldBeEmpty();
    }

    [Fact]
    public void TenantForm_SubmitEmpty_ShowsFieldMessagesAndDoesNotSave()
    {
        var cut = RenderForm(new TenantEditModel());

        cut.Find("form").Submit();

        cut.WaitForAssertion(() =>
        {
            cut.Markup.ShouldContain("Display name is required.");
            cut.Markup.ShouldContain("UEM region is required");
            cut.Markup.ShouldContain("UEM console URL is required");
            cut.Markup.ShouldContain("Nothing was saved");
        });
        _saved.ShouldBeEmpty();
    }

    [Fact]
    public void TenantForm_HttpUrlAndBadSecret_MessagesNameFieldAndFix()
    {
        var model = ValidModel();
        model.UemConsoleUrl = "http://cn1234.awmdm.com";
        model.NewUemApiKey = "has inner space";
        var cut = RenderForm(model);

        cut.Find("form").Submit();

        cut.WaitForAssertion(() =>
        {
            cut.Markup.ShouldContain("UEM console URL must use https://");
            cut.Markup.ShouldContain("UEM REST API key contains spaces or line breaks inside the value");
        });
        _saved.ShouldBeEmpty();
    }

    [Fact]
    public void TenantForm_ValidModel_CallsSave()
    {
        var cut = RenderForm(ValidModel());

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => _saved.ShouldHaveSingleItem().DisplayName.ShouldBe("Contoso"));
    }

    [Fact]
    public void TenantForm_ServerRejectsDuplicateName_ShowsItUnderTheField()
    {
        var errors = new Dictionary<string, string[]> { [nameof(TenantEditModel.DisplayName)] = ["Display name: a tenant called 'Contoso' already exists."] };
        var cut = RenderForm(ValidModel(), _ => Task.FromResult(TenantSaveResult.Invalid(errors)));

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find(".mud-input-helper-text.mud-input-error").TextContent.ShouldContain("already exists"));
    }

    [Fact]
    public void TenantForm_Conflict_ShowsTheirsAndYours()
    {
        var conflict = TenantSaveResult.Conflicted("alice saved this tenant while you were editing.", [new FieldChange("Notes", "Alice's note", "Bob's note")], Guid.NewGuid());
        var cut = RenderForm(ValidModel(), _ => Task.FromResult(conflict));

        cut.Find("form").Submit();

        cut.WaitForAssertion(() =>
        {
            var table = cut.Find("[aria-label='Fields changed by someone else']");
            table.TextContent.ShouldContain("Theirs");
            table.TextContent.ShouldContain("Alice's note");
            table.TextContent.ShouldContain("Bob's note");
        });
        cut.Markup.ShouldContain("Save mine over theirs");
    }

    [Fact]
    public void TenantForm_ConsoleUrlEntered_DerivesApiUrl()
    {
        var model = new TenantEditModel();
        var cut = RenderForm(model);

        ChangeField(cut, "UEM console URL", "https://cn4855.awmdm.com");

        model.UemApiUrl.ShouldBe("https://as4855.awmdm.com");
        cut.Markup.ShouldContain("Derived from the console URL");
    }

    [Fact]
    public void TenantForm_TokenUrlOfOtherRegion_OffersFix()
    {
        var model = ValidModel();
        model.UemTokenUrl = Emea.TokenUrl;
        var cut = RenderForm(model);

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("does not belong to region North America (na)"));
        cut.FindComponents<MudButton>().Single(b => b.Markup.Contains("Use " + Na.TokenUrl, StringComparison.Ordinal)).Find("button").Click();
        model.UemTokenUrl.ShouldBe(Na.TokenUrl);
    }

    [Fact]
    public void TenantForm_StoredSecret_ShowsFingerprintNeverValue()
    {
        var secrets = new[] { new SecretStatus(TenantSecretKind.UemClientSecret, true, "sha256:0123456789ab", "helen", new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc), true) };
        var cut = RenderForm(ValidModel(), secrets: secrets);

        cut.Markup.ShouldContain("Set by helen on 2026-11-30 12:00 UTC, fingerprint sha256:0123456789ab");
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "OAuth client secret").Find("input").GetAttribute("type").ShouldBe("password");
    }
}
