using Portal.Features.Validation;

namespace Portal.UnitTests.Features.Validation;

public sealed class FreeTextTests
{
    [Theory]
    [InlineData('\u202A')] // LRE
    [InlineData('\u202B')] // RLE
    [InlineData('\u202C')] // PDF
    [InlineData('\u202D')] // LRO
    [InlineData('\u202E')] // RLO
    [InlineData('\u2066')] // LRI
    [InlineData('\u2067')] // RLI
    [InlineData('\u2068')] // FSI
    [InlineData('\u2069')] // PDI
    [InlineData('\u200E')] // LRM
    [InlineData('\u200F')] // RLM
    [InlineData('\u061C')] // ALM
    public void Check_TextDirectionCharacter_RefusedNamingItsCodePoint(char c) =>
        FreeText.Check("Display name", $"QA {c}evil", 100)
            .ShouldBe($"Display name contains an invisible control or text-direction character (U+{(int)c:X4}); remove it.");

    [Theory]
    [InlineData('\u0000')] // NUL
    [InlineData('\u0007')] // BEL
    [InlineData('\u001B')] // ESC
    [InlineData('\u001F')]
    [InlineData('\u007F')] // DEL
    [InlineData('\u0080')] // C1
    [InlineData('\u0085')] // NEL
    [InlineData('\u009F')]
    public void Check_ControlCharacter_RefusedInSingleAndMultiLineFields(char c)
    {
        FreeText.Check("Notes", $"a{c}b", 100).ShouldNotBeNull().ShouldContain("invisible control or text-direction character");
        FreeText.Check("Notes", $"a{c}b", 100, multiLine: true).ShouldNotBeNull().ShouldContain($"(U+{(int)c:X4})");
    }

    [Theory]
    [InlineData("line 1\r\nline 2")]
    [InlineData("col 1\tcol 2")]
    [InlineData("line 1\nline 2")]
    public void Check_LineBreaksAndTabs_AllowedOnlyInMultiLineFields(string value)
    {
        FreeText.Check("Notes", value, 100, multiLine: true).ShouldBeNull();
        FreeText.Check("Display name", value, 100).ShouldNotBeNull().ShouldStartWith("Display name contains an invisible control");
    }

    [Fact]
    public void Check_OverTheLimit_NamesTheLimitAndTheLength() =>
        FreeText.Check("Channel name", new string('x', 5000), 100).ShouldBe("Channel name must be at most 100 characters (it has 5000).");

    [Fact]
    public void Check_AtTheLimit_Accepted() => FreeText.Check("Name", new string('x', 100), 100).ShouldBeNull();

    [Fact]
    public void Check_LengthCountsWhatIsStored_SurroundingSpacesAreTrimmed() =>
        FreeText.Check("Name", "  " + new string('x', 100) + "  ", 100).ShouldBeNull();

    [Fact]
    public void Check_Required_BlankRefused_OptionalBlankAccepted()
    {
        FreeText.Check("Name", "   ", 100, required: true).ShouldBe("Name is required.");
        FreeText.Check("Reference", null, 100).ShouldBeNull();
    }

    [Fact]
    public void Check_OrdinaryInternationalText_Accepted()
    {
        FreeText.Check("Name", "Müller & Søn — 東京 (שלום) 👩‍💻", 100).ShouldBeNull(); // RTL letters and ZWJ emoji are text, not controls
    }

    [Theory]
    [InlineData("https://na.uemauth.workspaceone.com/connect/token/", "https://na.uemauth.workspaceone.com/connect/token")]
    [InlineData("https://as1234.awmdm.com//", "https://as1234.awmdm.com")]
    [InlineData("https://as1234.awmdm.com", "https://as1234.awmdm.com")]
    [InlineData("", "")]
    [InlineData("not a url/", "not a url/")] // left for the URL check to refuse with its own message
    public void TrailingSlash_Remove(string input, string expected) => TrailingSlash.Remove(input).ShouldBe(expected);

    [Fact]
    public void TrailingSlash_Remove_AddsANoteNamingTheField()
    {
        var notes = new List<string>();
        TrailingSlash.Remove("UEM token URL", "https://x.example.com/connect/token/", notes).ShouldBe("https://x.example.com/connect/token");
        TrailingSlash.Remove("UEM REST API URL", "https://x.example.com", notes);
        notes.ShouldBe(["UEM token URL: the trailing slash was removed (the portal adds the path itself). Stored as https://x.example.com/connect/token."]);
    }
}
