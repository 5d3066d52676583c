using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Features.Tenants;

namespace Portal.Features.Users;

public partial class UsersPage
{
    private IReadOnlyList<UserSummary>? _users;
    private IReadOnlyDictionary<string, IReadOnlyList<string>> _scopes = new Dictionary<string, IReadOnlyList<string>>();
    private CreateUserModel _create = new();
    private string? _createError;
    private string? _oneTimePassword;
    private string? _oneTimeMessage;
    private bool _createOpen;
    private bool _busy;

    [Inject]
    private UserAdminService Users { get; set; } = default!;

    [Inject]
    private TenantScopeAdminService Scopes { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _users = await Users.ListAsync();
        _scopes = await Scopes.GetAllAsync();
    }

    private IReadOnlyList<string>? ScopeOf(UserSummary user) => _scopes.GetValueOrDefault(user.Id);

    private async Task EditScopeAsync(UserSummary user)
    {
        var parameters = new DialogParameters<TenantScopeDialog>
        {
            { d => d.UserName, user.UserName },
            { d => d.Current, ScopeOf(user) ?? [] },
            { d => d.KnownTags, await Scopes.ListKnownTagsAsync() },
        };
        var dialog = await Dialogs.ShowAsync<TenantScopeDialog>($"Tenant scope of {user.UserName}", parameters);
        var outcome = await dialog.Result;
        if (outcome is { Canceled: false, Data: IReadOnlyList<string> tags })
        {
            var result = await Scopes.SetAsync(user.Id, tags.ToList());
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
            _scopes = await Scopes.GetAllAsync();
        }
    }

    private void ToggleCreateRole(string role, bool on)
    {
        if (on)
        {
            _create.Roles.Add(role);
        }
        else
        {
            _create.Roles.Remove(role);
        }
    }

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var result = await Users.CreateAsync(_create);
            if (!result.Succeeded)
            {
                _createError = result.Message;
                return;
            }

            _createError = null;
            ShowOneTimePassword(result);
            _create = new();
            _createOpen = false;
            _users = await Users.ListAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task EditRolesAsync(UserSummary user)
    {
        var parameters = new DialogParameters<EditRolesDialog> { { d => d.UserName, user.UserName }, { d => d.Selected, user.Roles.ToHashSet() } };
        var dialog = await Dialogs.ShowAsync<EditRolesDialog>($"Roles of {user.UserName}", parameters);
        var outcome = await dialog.Result;
        if (outcome is { Canceled: false, Data: HashSet<string> roles })
        {
            await ReportAsync(await Users.SetRolesAsync(user.Id, roles));
        }
    }

    private async Task ResetPasswordAsync(UserSummary user)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Reset password",
            $"Give {user.UserName} a new one-time password? Their current password stops working at once.", yesText: "Reset", cancelText: "Cancel");
        if (confirmed == true)
        {
            var result = await Users.ResetPasswordAsync(user.Id);
            if (result.Succeeded)
            {
                ShowOneTimePassword(result);
            }

            await ReportAsync(result);
        }
    }

    private async Task ResetMfaAsync(UserSummary user)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Reset MFA",
            $"Turn off multi-factor authentication for {user.UserName}? Their authenticator app and recovery codes stop working, their open sessions end, and they enrol again at their next sign-in.",
            yesText: "Reset MFA", cancelText: "Cancel");
        if (confirmed == true)
        {
            await ReportAsync(await Users.ResetMfaAsync(user.Id));
        }
    }

    private async Task ClearLockoutAsync(UserSummary user) => await ReportAsync(await Users.ClearLockoutAsync(user.Id));

    private async Task ToggleDisabledAsync(UserSummary user) => await ReportAsync(await Users.SetDisabledAsync(user.Id, !user.IsDisabled));

    private void ShowOneTimePassword(UserActionResult result)
    {
        _oneTimeMessage = result.Message;
        _oneTimePassword = result.OneTimePassword;
    }

    private async Task ReportAsync(UserActionResult result)
    {
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
        _users = await Users.ListAsync();
            }
}
