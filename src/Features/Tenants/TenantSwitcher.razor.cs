using System.Security.Cryptography;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.JSInterop;
using Portal.Features.Users;

namespace Portal.Features.Tenants;

public partial class TenantSwitcher : IDisposable
{
    private const string StorageKey = "portal.current-tenant";

    [Inject]
    private TenantService Tenants { get; set; } = default!;

    [Inject]
    private CurrentTenantState CurrentTenant { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    private MudBlazor.MudAutocomplete<TenantRef>? _search;
    private bool _searching;
    private bool _focusSearch;

    // Optional: absent in component tests and static rendering.
    private ProtectedSessionStorage? Storage => Services.GetService<ProtectedSessionStorage>();

    protected override void OnInitialized() => CurrentTenant.Changed += OnChanged;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusSearch && _search is not null)
        {
            _focusSearch = false;
            await _search.FocusAsync(); // the click on the button continues as typing in the search box
        }

        if (!firstRender || CurrentTenant.Current is not null || Storage is not { } storage || !await CanReadTenantsAsync())
        {
            return;
        }

        try
        {
            var stored = await storage.GetAsync<int>(StorageKey);
            if (stored.Success && await Tenants.GetRefAsync(stored.Value) is { } tenant && CurrentTenant.Current is null)
            {
                CurrentTenant.Set(tenant);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or JSException or InvalidOperationException)
        {
            // Unreadable or unavailable storage just means "no remembered tenant".
        }
    }

    private async Task<bool> CanReadTenantsAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        return user is not null && Roles.Readers.Any(user.IsInRole);
    }

    private async Task<IEnumerable<TenantRef>> SearchAsync(string? text, CancellationToken ct) => await Tenants.SearchAsync(text, 20, ct);

    private void StartSearching()
    {
        _searching = true;
        _focusSearch = true;
    }

    private Task SelectAsync(TenantRef? tenant)
    {
        CurrentTenant.Set(tenant);
        _searching = tenant is null; // chosen: back to the light button; cleared: keep searching
        if (tenant is not null)
        {
            Navigation.NavigateTo($"/tenants/{tenant.Id}");
        }

        return Task.CompletedTask;
    }

    private void OnChanged() => _ = InvokeAsync(async () =>
    {
        StateHasChanged();
        if (Storage is { } storage)
        {
            try
            {
                if (CurrentTenant.Current is { } current)
                {
                    await storage.SetAsync(StorageKey, current.Id);
                }
                else
                {
                    await storage.DeleteAsync(StorageKey);
                }
            }
            catch (Exception ex) when (ex is JSException or InvalidOperationException or JSDisconnectedException)
            {
                // Best effort: remembering the tenant is a convenience.
            }
        }
    });

    public void Dispose()
    {
        CurrentTenant.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
