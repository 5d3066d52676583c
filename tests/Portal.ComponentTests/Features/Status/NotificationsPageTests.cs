using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.ComponentTests.Features.Status;

/// <summary>The notification channels page over the real channel service and an in-memory SQLite database.</summary>
public sealed class NotificationsPageTests : PortalComponentTest
{
    public NotificationsPageTests()
    {
        UsePortalDatabase();
        Services.AddTenantsFeature();
        Services.AddStatusFeature();
        SignIn("ada", Roles.Admin);
    }

    private async Task<int> SeedChannelAsync(string name)
    {
        await SeedRegionsAsync();
        await using var db = await CreateDbAsync();
        var channel = new NotificationChannel
        {
            Name = name, Kind = NotificationChannelKind.Email, SmtpHost = "127.0.0.1", SmtpPort = 2525, FromAddress = "portal@example.com",
            ToAddresses = "ops@example.com", Enabled = true, UpdatedBy = "ada", UpdatedUtc = DateTime.UtcNow,
        };
        db.Add(channel);
        await db.SaveChangesAsync();
        return channel.Id;
    }

    private async Task<bool> ChannelExistsAsync(int id)
    {
        await using var db = await CreateDbAsync();
        return await db.Set<NotificationChannel>().AnyAsync(c => c.Id == id);
    }

    private (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<NotificationsPage> Page) RenderPage()
    {
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => page.Markup.ShouldContain("Ops e-mail"));
        return (dialogs, page);
    }

    [Fact]
    public async Task Delete_DialogCancelled_ChannelStays()
    {
        var id = await SeedChannelAsync("Ops e-mail");
        var (dialogs, page) = RenderPage();

        page.Find("button[aria-label='Delete Ops e-mail']").Click();

        // A labelled, modal dialog: role=dialog named by its title, with the channel in the question.
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Delete the channel Ops e-mail?"));
        var dialog = dialogs.Find("[role=dialog]");
        var titleId = dialog.GetAttribute("aria-labelledby");
        titleId.ShouldNotBeNullOrEmpty();
        dialogs.Find($"[id='{titleId}']").TextContent.ShouldContain("Delete notification channel");
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => dialogs.FindAll("[role=dialog]").ShouldBeEmpty());
        (await ChannelExistsAsync(id)).ShouldBeTrue();
        page.Markup.ShouldContain("Ops e-mail");
        Audit.Events.ShouldNotContain(e => e.Action == "notification.channel.deleted");
    }

    [Fact]
    public async Task Delete_Dialog_AnswersAreKeyboardReachableButtons()
    {
        var id = await SeedChannelAsync("Ops e-mail");
        var (dialogs, page) = RenderPage();

        page.Find("button[aria-label='Delete Ops e-mail']").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("[role=dialog]").ShouldHaveSingleItem());

        // Both answers are real buttons (Tab reaches them, Enter/Space press them); nothing is deleted while the dialog is open.
        dialogs.FindAll("button").Where(b => b.TextContent.Trim() is "Cancel" or "Delete").Select(b => b.TextContent.Trim()).ShouldBe(["Cancel", "Delete"], ignoreOrder: true);
        (await ChannelExistsAsync(id)).ShouldBeTrue();
    }

    [Fact]
    public async Task Delete_Confirmed_DeletesTheChannel()
    {
        var id = await SeedChannelAsync("Ops e-mail");
        var (dialogs, page) = RenderPage();

        page.Find("button[aria-label='Delete Ops e-mail']").Click();
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Delete the channel Ops e-mail?"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => page.Markup.ShouldNotContain("Ops e-mail"));
        (await ChannelExistsAsync(id)).ShouldBeFalse();
        Audit.Events.ShouldContain(e => e.Action == "notification.channel.deleted");
    }

    [Fact]
    public async Task WebhookUrlPastedWithSpaces_ShowsTheSecretTrimWarning()
    {
        await SeedRegionsAsync();
        await using (var db = await CreateDbAsync())
        {
            db.Add(new NotificationChannel { Name = "Ops Teams", Kind = NotificationChannelKind.Webhook, Enabled = true, UpdatedBy = "ada", UpdatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => page.Markup.ShouldContain("Ops Teams"));
        page.Find("button[aria-label='Edit Ops Teams']").Click();
        page.WaitForAssertion(() => page.FindComponents<MudTextField<string>>().ShouldContain(f => f.Instance.Label!.StartsWith("New webhook URL", StringComparison.Ordinal)));

        page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label!.StartsWith("New webhook URL", StringComparison.Ordinal))
            .Find("input").Change(" https://hooks.example.com/token-123 \n");

        page.WaitForAssertion(() => page.Find("[data-testid=secret-trim-warning]").TextContent.ShouldBe("Spaces or line breaks before or after the pasted value will be removed."));
    }
}
