using Portal.Features.Status;

namespace Portal.UnitTests.Features.Status;

public sealed class StatusBoardMarkupTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static StatusBoardRow Row(string name = "Contoso", string region = "NA (na)", DateTime? attested = null, string? attestedBy = null, params StatusCell[] cells) =>
        new(7, name, region, [], ConnectionStatus.Failing, Now.AddHours(-3), Now, "Role lacks permission", attested, attestedBy, cells);

    [Fact]
    public void Cells_OneCellPerColumn_LinkStatusChipLayersAndReview()
    {
        var cells = StatusBoardMarkup.Cells(
            Row(attested: Now.AddDays(-3), attestedBy: "lena", cells: new StatusCell(ConnectionLayer.UemApi, CheckOutcome.Failed, Now.AddMinutes(-5), "Role lacks permission", [CheckOutcome.Passed, CheckOutcome.Failed])),
            Now);

        cells.Split("<td").Length.ShouldBe(1 + 3 + StatusPresentation.Layers.Count);
        cells.ShouldStartWith("<td><a class=\"status-tenant\" href=\"/status/7\" data-testid=\"tenant-link\">Contoso</a>");
        cells.ShouldContain("data-status=\"Failing\"");
        cells.ShouldContain("since 3 h ago");
        cells.ShouldContain("<td data-layer=\"UemApi\"><span class=\"status-outcome\" title=\"Role lacks permission\">");
        cells.ShouldContain("Failed</span><div class=\"status-caption\">5 min ago</div>");
        cells.ShouldContain("aria-label=\"Last 2 checks: 1 OK, 1 not OK\" class=\"status-sparkline\"><polyline points=\"0,2 60,14\">");
        cells.ShouldContain("<td data-layer=\"UemToken\"><span class=\"status-muted\">Not checked</span></td>");
        cells.ShouldEndWith("<td>3 days ago<div class=\"status-caption\">by lena</div></td>");
    }

    [Fact]
    public void LayerContent_IsWhatTheBoardCellHolds_ForTheDetailPage()
    {
        var cell = new StatusCell(ConnectionLayer.UemApi, CheckOutcome.Failed, Now.AddMinutes(-5), "Role lacks permission", [CheckOutcome.Passed, CheckOutcome.Failed]);
        var cells = StatusBoardMarkup.Cells(Row(cells: cell), Now);

        cells.ShouldContain($"<td data-layer=\"UemApi\">{StatusBoardMarkup.LayerContent(cell, Now).Value}</td>");
        StatusBoardMarkup.LayerContent(null, Now).Value.ShouldBe("<span class=\"status-muted\">Not checked</span>");
    }

    [Fact]
    public void Cells_NeverReviewed_AndOneCheckHasNoSparkline()
    {
        var cells = StatusBoardMarkup.Cells(Row(cells: new StatusCell(ConnectionLayer.UemToken, CheckOutcome.Passed, Now, null, [CheckOutcome.Passed])), Now);

        cells.ShouldEndWith("<td>Never</td>");
        cells.ShouldNotContain("status-sparkline");
        cells.ShouldContain("<span class=\"status-outcome\"><svg"); // no title without a diagnosis
    }

    [Fact]
    public void Cells_EncodeEveryValueFromData()
    {
        var cells = StatusBoardMarkup.Cells(
            Row(name: "<script>alert(1)</script>", region: "\"><img src=x>", attested: Now, attestedBy: "<b>x</b>",
                cells: new StatusCell(ConnectionLayer.UemApi, CheckOutcome.Failed, Now, "\" onmouseover=\"alert(1)", [CheckOutcome.Failed])),
            Now);

        cells.ShouldNotContain("<script>");
        cells.ShouldNotContain("<img");
        cells.ShouldNotContain("<b>");
        cells.ShouldNotContain("\" onmouseover");
        cells.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    [Fact]
    public void ToViews_LabelTheRowsControlsByTenant()
    {
        var view = StatusBoardMarkup.ToViews([Row()], Now, previous: null).ShouldHaveSingleItem();

        view.TenantId.ShouldBe(7);
        view.SelectLabel.ShouldBe("Select Contoso");
        view.CheckLabel.ShouldBe("Check Contoso now");
        view.Cells.Value.ShouldBe(StatusBoardMarkup.Cells(Row(), Now));
    }

    [Fact]
    public void ToViews_ReloadKeepsTheViewOfAnUnchangedRow_AndReplacesAChangedOne()
    {
        var first = StatusBoardMarkup.ToViews([Row(), Row(name: "Fabrikam") with { TenantId = 8 }], Now, previous: null);

        var second = StatusBoardMarkup.ToViews([Row(), Row(name: "Fabrikam") with { TenantId = 8, LastAttestedUtc = Now, LastAttestedBy = "lena" }], Now, first);

        second[0].ShouldBeSameAs(first[0]);
        second[1].ShouldNotBeSameAs(first[1]);
        second[1].Cells.Value.ShouldContain("by lena");
    }

    [Fact]
    public void ToViews_OpenBoardsShareOneViewOfTheSameRow_ButNeverOneThatDiffers()
    {
        var shared = new SharedStatusRows();
        var firstBoard = StatusBoardMarkup.ToViews([Row()], Now, previous: null, shared);

        var secondBoard = StatusBoardMarkup.ToViews([Row()], Now, previous: null, shared);
        var laterBoard = StatusBoardMarkup.ToViews([Row()], Now.AddHours(1), previous: null, shared); // "since 4 h ago" now

        secondBoard[0].ShouldBeSameAs(firstBoard[0]);
        laterBoard[0].ShouldNotBeSameAs(firstBoard[0]);
        laterBoard[0].Cells.Value.ShouldBe(StatusBoardMarkup.Cells(Row(), Now.AddHours(1)));
        StatusBoardMarkup.ToViews([Row(name: "Renamed")], Now, previous: null, shared)[0].SelectLabel.ShouldBe("Select Renamed");
    }

    [Fact]
    public void SummaryBar_OnePartPerCountedStatus_NamedByTheCounts_AndNothingWithoutTenants()
    {
        var bar = StatusBoardMarkup.SummaryBar([(ConnectionStatus.Failing, 1), (ConnectionStatus.Degraded, 0), (ConnectionStatus.Connected, 3)]).Value;

        bar.ShouldContain("role=\"img\" aria-label=\"Tenants by status: Failing 1, Connected 3\"");
        bar.ShouldContain("<rect x=\"0\" y=\"0\" width=\"250\" height=\"14\" fill=\"#c62828\"><title>Failing: 1</title></rect>");
        bar.ShouldContain("<rect x=\"250\" y=\"0\" width=\"750\"");
        bar.ShouldNotContain("Degraded");
        StatusBoardMarkup.SummaryBar([(ConnectionStatus.Connected, 0)]).Value.ShouldBeNull();
        StatusBoardMarkup.SummaryChipContent(ConnectionStatus.Failing, 2).Value.ShouldEndWith("Failing: 2");
    }

    [Fact]
    public void IconSprite_HasASymbolForEveryStatusAndSeverity()
    {
        var sprite = StatusBoardMarkup.IconSprite.Value;

        foreach (var status in Enum.GetValues<ConnectionStatus>())
        {
            sprite.ShouldContain($"<symbol id=\"st-s-{status}\"");
        }

        sprite.ShouldContain("id=\"st-o-0\"");
        sprite.ShouldContain("id=\"st-o-1\"");
        sprite.ShouldContain("id=\"st-o-2\"");
    }
}
