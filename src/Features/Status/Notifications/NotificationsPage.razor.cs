using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Features.Tenants;

namespace Portal.Features.Status.Notifications;

public partial class NotificationsPage
{
    private ChannelEditModel _model = new();
    private IReadOnlyList<ChannelSummary> _channels = [];
    private IReadOnlyList<DeliverySummary> _deliveries = [];
    private IReadOnlyList<string> _tags = [];
    private string? _error;
    private string? _signingSecret;
    private string? _signingSecretChannel;
    private bool _busy;

    [Inject]
    private NotificationChannelService Channels { get; set; } = default!;

    [Inject]
    private TenantService Tenants { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    private string FormatHelp => _model.WebhookFormat switch
    {
        WebhookFormat.Teams => "For a Teams Workflows webhook (\"Send webhook alerts to a channel\"): an Adaptive Card.",
        WebhookFormat.Slack => "For a Slack incoming webhook: Block Kit blocks with a text fallback.",
        WebhookFormat.SignedJson => "For your own receiver: JSON with an X-Portal-Signature HMAC header. The portal generates the signing secret.",
        _ => "The original format: {\"text\": …} plus a few fields, unsigned.",
    };

    protected override async Task OnInitializedAsync()
    {
        _tags = await Tenants.ListTagsAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _channels = await Channels.ListAsync();
        _deliveries = await Channels.RecentDeliveriesAsync(100);
    }

    private void New()
    {
        _model = new ChannelEditModel();
        _error = null;
    }

    private void ForgetSigningSecret()
    {
        _signingSecret = null;
        _signingSecretChannel = null;
    }

    private async Task EditAsync(int id)
    {
        ForgetSigningSecret();
        _model = await Channels.GetForEditAsync(id) ?? new ChannelEditModel();
        _error = null;
    }

    private async Task SaveAsync()
    {
        _busy = true;
        try
        {
            _error = await Channels.SaveAsync(_model);
            _signingSecret = _model.GeneratedSigningSecret;
            _signingSecretChannel = _model.Name;
            if (_error is null)
            {
                Snackbar.Add($"Channel {_model.Name} saved.", Severity.Success);
                New();
                await LoadAsync();
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task TestAsync(ChannelSummary channel)
    {
        Snackbar.Add(await Channels.SendTestAsync(channel.Id), Severity.Info);
        await Task.Delay(1500); // usually sent by then, so the log below already shows the outcome
        await LoadAsync();
    }

    private async Task DeleteAsync(ChannelSummary channel)
    {
        // A deleted channel cannot be brought back and its secret is gone, so ask first. The dialog takes Escape (cancel),
        // Tab between its buttons and is labelled by its title.
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete notification channel",
            $"Delete the channel {channel.Name}? It stops receiving notifications at once and its stored secret is discarded.",
            yesText: "Delete", cancelText: "Cancel", options: new DialogOptions { CloseOnEscapeKey = true });
        if (confirmed != true)
        {
            return;
        }

        await Channels.DeleteAsync(channel.Id);
        Snackbar.Add($"Channel {channel.Name} deleted.", Severity.Info);
        await LoadAsync();
    }
}
