using Portal.Features.Setup;

namespace Portal.UnitTests.Features.Setup;

public sealed class MarkdownTextTests
{
    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("line one\nline two", "line one<br>line two")]
    [InlineData("cr\r\nlf\rend", "cr<br>lf<br>end")]
    [InlineData("sep\u2028para\u2029end", "sep<br>para<br>end")]
    [InlineData("back\\|slash", "back\\\\\\|slash")]
    [InlineData(null, "")]
    public void Cell_EscapesPipesAndLineBreaks(string? value, string expected) =>
        MarkdownText.Cell(value).ShouldBe(expected);

    [Fact]
    public void Cell_InjectedRowAndColumns_StayInsideOneCell()
    {
        var hostile = "Done in console | Forged | Row\n| 9 | Fake step | Completed | mallory | 2026-01-01 | evidence |";

        var row = $"| 1 | {MarkdownText.Cell(hostile)} |";

        row.Split('\n').ShouldHaveSingleItem();
        // Only the row's own two unescaped separators besides the outer ones: the cell is one column.
        System.Text.RegularExpressions.Regex.Count(row, @"(?<!\\)\|").ShouldBe(3);
    }

    [Fact]
    public void Line_FlattensLineBreaks_SoNothingStartsANewHeading() =>
        MarkdownText.Line("Tenant\n# Injected heading").ShouldBe("Tenant # Injected heading");
}
