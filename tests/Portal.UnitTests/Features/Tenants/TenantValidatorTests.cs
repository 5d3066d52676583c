using Portal.Features.Tenants;

namespace Portal.UnitTests.Features.Tenants;

public sealed class TenantValidatorTests
{
    private static IReadOnlyDictionary<string, string[]> Validate(Action<TenantEditModel> change)
    {
        var model = TestRegions.ValidModel();
        change(model);
        return TenantValidator.Validate(model, TestRegions.All);
    }

    private static string Single(IReadOnlyDictionary<string, string[]> errors, string field)
    {
        errors.ShouldContainKey(field);
        return errors[field].ShouldHaveSingleItem();
    }

    [Fact]
    public void Validate_ValidModel_NoErrors() => Validate(_ => { }).ShouldBeEmpty();

    [Fact]
    public void Validate_BlankTokenUrl_MeansRegionDefault() => Validate(m => m.UemTokenUrl = "").ShouldBeEmpty();

    [Fact]
    public void Validate_MissingDisplayName_NamesField() =>
        Single(Validate(m => m.DisplayName = " "), nameof(TenantEditModel.DisplayName)).ShouldStartWith("Display name is required");

    [Fact]
    public void Validate_DisplayNameTooLong_SaysLimit() =>
        Single(Validate(m => m.DisplayName = new string('x', TenantLimits.DisplayName + 1)), nameof(TenantEditModel.DisplayName)).ShouldContain("at most 100");

    [Fact]
    public void Validate_DisplayNameControlChars_Rejected() =>
        Single(Validate(m => m.DisplayName = "Con\u0007toso"), nameof(TenantEditModel.DisplayName)).ShouldContain("contains an invisible control or text-direction character (U+0007); remove it.");

    [Fact]
    public void Validate_NotesAllowLineBreaksButNotOtherControlChars()
    {
        Validate(m => m.Notes = "line 1\r\nline 2").ShouldBeEmpty();
        Single(Validate(m => m.Notes = "bell\u0007"), nameof(TenantEditModel.Notes)).ShouldContain("contains an invisible control or text-direction character (U+0007); remove it.");
    }

    [Theory]
    [InlineData(nameof(TenantEditModel.CustomerReference), TenantLimits.CustomerReference)]
    [InlineData(nameof(TenantEditModel.OrganizationGroupId), TenantLimits.OrganizationGroupId)]
    [InlineData(nameof(TenantEditModel.OrganizationGroupName), TenantLimits.OrganizationGroupName)]
    [InlineData(nameof(TenantEditModel.Contacts), TenantLimits.Contacts)]
    [InlineData(nameof(TenantEditModel.Notes), TenantLimits.Notes)]
    public void Validate_TextOverLimit_Rejected(string field, int limit) =>
        Single(Validate(m => typeof(TenantEditModel).GetProperty(field)!.SetValue(m, new string('x', limit + 1))), field).ShouldContain($"at most {limit}");

    [Fact]
    public void Validate_HttpConsoleUrl_AsksForHttps() =>
        Single(Validate(m => m.UemConsoleUrl = "http://cn1234.awmdm.com"), nameof(TenantEditModel.UemConsoleUrl)).ShouldContain("https://");

    [Fact]
    public void Validate_RelativeApiUrl_AsksForFullAddress() =>
        Single(Validate(m => m.UemApiUrl = "as1234.awmdm.com"), nameof(TenantEditModel.UemApiUrl)).ShouldContain("not a full address");

    [Fact]
    public void Validate_UrlWithInnerSpace_Rejected() =>
        Single(Validate(m => m.UemApiUrl = "https://as1234 .awmdm.com"), nameof(TenantEditModel.UemApiUrl)).ShouldContain("spaces");

    [Fact]
    public void Validate_NonSaasHostInSaasRegion_SuggestsCustomRegion()
    {
        var message = Single(Validate(m => m.UemConsoleUrl = "https://uem.contoso.com"), nameof(TenantEditModel.UemConsoleUrl));

        message.ShouldContain("awmdm.com");
        message.ShouldContain("custom region");
    }

    // Was "AcceptsAnyHostAndHttp": issue 14 makes custom regions https-only and their token URL the region's (admin-only).
    [Fact]
    public void Validate_CustomRegion_AcceptsAnyHttpsHost() =>
        Validate(m =>
        {
            m.UemRegionId = TestRegions.Custom.Id;
            m.UemConsoleUrl = "https://uem.corp.example";
            m.UemApiUrl = "https://uem-api.corp.example";
            m.UemTokenUrl = TestRegions.Custom.TokenUrl;
        }).ShouldBeEmpty();

    [Theory]
    [InlineData("http://uem.corp.example", "https://")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "not an IP address")]
    [InlineData("https://127.0.0.1:5432/", "not an IP address")]
    [InlineData("https://[::1]/", "not an IP address")]
    [InlineData("https://localhost/", "this machine")]
    [InlineData("https://workspaceone.com@evil.com/", "really evil.com")]
    public void Validate_CustomRegion_RefusesInternalOrDisguisedApiAndConsoleUrls(string url, string expected)
    {
        var errors = Validate(m =>
        {
            m.UemRegionId = TestRegions.Custom.Id;
            m.UemConsoleUrl = url;
            m.UemApiUrl = url;
            m.UemTokenUrl = TestRegions.Custom.TokenUrl;
        });

        Single(errors, nameof(TenantEditModel.UemConsoleUrl)).ShouldContain(expected);
        Single(errors, nameof(TenantEditModel.UemApiUrl)).ShouldStartWith("UEM REST API URL");
    }

    [Theory]
    [InlineData("https://evil.example.com/connect/token")]
    [InlineData("https://uem.corp.example@evil.example.com/connect/token")]
    [InlineData("https://169.254.169.254/connect/token")]
    public void Validate_CustomRegion_TokenUrlIsTheRegionsOnly(string tokenUrl) =>
        Single(Validate(m =>
        {
            m.UemRegionId = TestRegions.Custom.Id;
            m.UemConsoleUrl = "https://uem.corp.example";
            m.UemApiUrl = "https://uem.corp.example";
            m.UemTokenUrl = tokenUrl;
        }), nameof(TenantEditModel.UemTokenUrl)).ShouldStartWith("UEM token URL");

    [Theory]
    [InlineData("http://169.254.169.254/simulator")]
    [InlineData("http://127.0.0.1:5432/simulator")]
    [InlineData("http://localhost:5081/simulator")]
    public void Validate_SimulatedRegion_OnlyTheSimulatorAddress(string url) =>
        Single(Validate(m =>
        {
            m.UemRegionId = TestRegions.Sim.Id;
            m.UemConsoleUrl = "http://localhost:5080/simulator";
            m.UemApiUrl = url;
            m.UemTokenUrl = TestRegions.Sim.TokenUrl;
        }), nameof(TenantEditModel.UemApiUrl)).ShouldContain("http://localhost:5080/simulator");

    [Theory]
    [InlineData("https://as1234.awmdm.com@169.254.169.254/")]
    [InlineData("https://user:pw@as1234.awmdm.com/")]
    public void Validate_SaasRegion_UserInfoRefused(string url) =>
        Single(Validate(m => m.UemApiUrl = url), nameof(TenantEditModel.UemApiUrl)).ShouldContain("'@'");

    [Fact]
    public void Validate_SimulatedRegion_AllowsHttpLocalhost() =>
        Validate(m =>
        {
            m.UemRegionId = TestRegions.Sim.Id;
            m.UemConsoleUrl = "http://localhost:5080/simulator";
            m.UemApiUrl = "http://localhost:5080/simulator";
            m.UemTokenUrl = TestRegions.Sim.TokenUrl;
        }).ShouldBeEmpty();

    [Fact]
    public void Validate_TokenUrlOfOtherRegion_OffersRegionUrl()
    {
        var message = Single(Validate(m => m.UemTokenUrl = TestRegions.Emea.TokenUrl), nameof(TenantEditModel.UemTokenUrl));

        message.ShouldContain(TestRegions.Na.TokenUrl);
        message.ShouldContain(TestRegions.Na.LegacyTokenUrl!);
    }

    [Fact]
    public void Validate_LegacyTokenUrl_Accepted() => Validate(m => m.UemTokenUrl = TestRegions.Na.LegacyTokenUrl!).ShouldBeEmpty();

    [Fact]
    public void Validate_RealRegionTokenUrlPointingAtSimulator_Rejected() =>
        Validate(m => m.UemTokenUrl = TestRegions.Sim.TokenUrl).ShouldContainKey(nameof(TenantEditModel.UemTokenUrl));

    [Fact]
    public void Validate_MissingRegion_Required() =>
        Single(Validate(m => m.UemRegionId = null), nameof(TenantEditModel.UemRegionId)).ShouldContain("UEM region is required");

    [Fact]
    public void Validate_IntelligenceRegionUsedAsUemRegion_Rejected() =>
        Validate(m => m.UemRegionId = TestRegions.Eu1.Id).ShouldContainKey(nameof(TenantEditModel.UemRegionId));

    [Fact]
    public void Validate_SecretWithInnerSpace_ErrorOnSecretField() =>
        Single(Validate(m => m.NewUemClientSecret = "abc def ghi jkl"), nameof(TenantEditModel.NewUemClientSecret)).ShouldStartWith("OAuth client secret");

    [Fact]
    public void Validate_ShortApiKey_ErrorOnApiKeyField() =>
        Single(Validate(m => m.NewUemApiKey = "abc"), nameof(TenantEditModel.NewUemApiKey)).ShouldStartWith("UEM REST API key");

    [Fact]
    public void Validate_SecretWithOuterWhitespace_IsNotAnError() =>
        Validate(m => m.NewUemClientSecret = " S3cr3t-Value-1234567890 \n").ShouldBeEmpty();

    [Fact]
    public void Validate_ClientSecretWithoutClientId_AsksForClientId() =>
        Single(Validate(m => m.OAuthClientId = ""), nameof(TenantEditModel.OAuthClientId)).ShouldContain("required with a client secret");

    [Fact]
    public void Validate_ClientIdWithSpace_Rejected() =>
        Single(Validate(m => m.OAuthClientId = "abc def"), nameof(TenantEditModel.OAuthClientId)).ShouldContain("spaces");

    [Fact]
    public void Validate_IntelligenceSecretWithoutIdAndRegion_AsksForBoth()
    {
        var errors = Validate(m => m.NewIntelligenceClientSecret = "IntelSecret12345");

        errors.ShouldContainKey(nameof(TenantEditModel.IntelligenceClientId));
        errors.ShouldContainKey(nameof(TenantEditModel.IntelligenceRegionId));
    }

    [Fact]
    public void Validate_IntelligenceCredentialsWithRegion_Valid() =>
        Validate(m =>
        {
            m.IntelligenceRegionId = TestRegions.Eu1.Id;
            m.IntelligenceClientId = "svc@org.data.workspaceone.com";
            m.NewIntelligenceClientSecret = "IntelSecret12345";
        }).ShouldBeEmpty();

    [Fact]
    public void Validate_BadTag_Rejected() =>
        Single(Validate(m => m.TagsText = "ok, <script>"), nameof(TenantEditModel.TagsText)).ShouldContain("not valid");

    [Theory]
    [InlineData(nameof(TenantEditModel.DisplayName), "Display name")]
    [InlineData(nameof(TenantEditModel.CustomerReference), "Customer / ticket reference")]
    [InlineData(nameof(TenantEditModel.Notes), "Notes")]
    [InlineData(nameof(TenantEditModel.Contacts), "Contacts")]
    [InlineData(nameof(TenantEditModel.OrganizationGroupName), "Organisation group name")]
    public void Validate_RightToLeftOverride_RefusedNamingTheField(string field, string label) =>
        Single(Validate(m => typeof(TenantEditModel).GetProperty(field)!.SetValue(m, "QA \u202Eevil")), field)
            .ShouldBe($"{label} contains an invisible control or text-direction character (U+202E); remove it.");

    [Fact]
    public void Validate_TagWithTextDirectionCharacter_SaysWhatIsWrong() =>
        Single(Validate(m => m.TagsText = "retail, em\u2067ea"), nameof(TenantEditModel.TagsText))
            .ShouldBe("Tags contains an invisible control or text-direction character (U+2067); remove it.");

    [Fact]
    public void Validate_TagOverLimit_NamesTheLimit() =>
        Single(Validate(m => m.TagsText = "retail, " + new string('t', 60)), nameof(TenantEditModel.TagsText))
            .ShouldContain($"must be at most {TenantTags.MaxLength} characters (it has 60)");

    [Fact]
    public void Validate_TooManyTags_Rejected() =>
        Single(Validate(m => m.TagsText = string.Join(",", Enumerable.Range(0, 21).Select(i => $"t{i}"))), nameof(TenantEditModel.TagsText)).ShouldContain("at most 20");

    [Fact]
    public void TenantTags_Parse_NormalizesAndDeduplicates() =>
        TenantTags.Parse(" Retail, retail;EMEA ,, ").ShouldBe(["retail", "emea"]);

    [Fact]
    public void Diff_ListsChangedFieldsTheirsVsYours_NeverSecrets()
    {
        var theirs = TestRegions.ValidModel();
        var yours = theirs.Clone();
        yours.Notes = "mine";
        yours.UemRegionId = TestRegions.Emea.Id;
        yours.NewUemClientSecret = "Different-Secret-999";

        var changes = TenantService.Diff(theirs, yours, TestRegions.All);

        changes.Select(c => c.Field).ShouldBe(["UEM region", "Notes"]);
        changes.Single(c => c.Field == "Notes").ShouldBe(new FieldChange("Notes", null, "mine"));
    }
}
