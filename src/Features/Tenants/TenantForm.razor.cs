using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Portal.Features.Regions;
using Portal.Features.Validation;

namespace Portal.Features.Tenants;

public partial class TenantForm : IDisposable
{
    private EditContext _editContext = default!;
    private ValidationMessageStore _messages = default!;
    private TenantEditModel? _boundModel;
    private TenantSaveResult? _conflict;
    private string? _formError;
    private string? _apiUrlHint;
    private bool _submitted;
    private bool _saving;
    private readonly Dictionary<string, string> _urlNotes = new(StringComparer.Ordinal);

    [Parameter, EditorRequired]
    public required TenantEditModel Model { get; set; }

    [Parameter, EditorRequired]
    public required IReadOnlyList<RegionSummary> Regions { get; set; }

    /// <summary>Stored secret states (edit page); null for a new tenant.</summary>
    [Parameter]
    public IReadOnlyList<SecretStatus>? Secrets { get; set; }

    /// <summary>The tenant as stored (edit page): moving its hosts releases the stored secrets, which the form warns about.</summary>
    [Parameter]
    public TenantEditModel? Stored { get; set; }

    [Parameter]
    public bool ReadOnly { get; set; }

    [Parameter]
    public string SaveLabel { get; set; } = "Save";

    /// <summary>Saves through the service; the form shows field errors and conflicts from the result.</summary>
    [Parameter, EditorRequired]
    public required Func<TenantEditModel, Task<TenantSaveResult>> OnSave { get; set; }

    /// <summary>Asks the page to reload the stored tenant (after a conflict).</summary>
    [Parameter]
    public EventCallback OnReload { get; set; }

    private IEnumerable<RegionSummary> UemRegions => Regions.Where(r => r.Product == RegionProduct.Uem);

    private IEnumerable<RegionSummary> IntelligenceRegions => Regions.Where(r => r.Product == RegionProduct.Intelligence);

    private RegionSummary? SelectedUemRegion => Regions.FirstOrDefault(r => r.Id == Model.UemRegionId && r.Product == RegionProduct.Uem);

    /// <summary>The region's token URL when the entered one does not belong to it (offered as a one-click fix).</summary>
    private string? TokenUrlFix => SelectedUemRegion is { } region && TenantValidator.CheckTokenUrl(Model.UemTokenUrl, region) is not null ? region.TokenUrl : null;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_boundModel, Model))
        {
            if (_editContext is not null)
            {
                _editContext.OnFieldChanged -= OnFieldChanged;
            }

            _boundModel = Model;
            _editContext = new EditContext(Model);
            _messages = new ValidationMessageStore(_editContext);
            _editContext.OnFieldChanged += OnFieldChanged;
            _submitted = false;
            _conflict = null;
            _formError = null;
        }
    }

    private SecretStatus? StatusOf(TenantSecretKind kind) => Secrets?.FirstOrDefault(s => s.Kind == kind);

    /// <summary>Stored secrets this edit would remove (their destination moved and they were not entered again).</summary>
    private IReadOnlyList<TenantSecretKind> SecretsToRelease => Stored is null
        ? []
        : SecretDestinations.Released(SecretDestinations.Of(Stored, Regions), SecretDestinations.Of(Model, Regions), Model)
            .Where(kind => StatusOf(kind)?.IsSet == true).ToList();

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        // Before the first submit we stay quiet; afterwards messages follow every edit.
        if (_submitted)
        {
            Validate();
        }
    }

    private bool Validate()
    {
        _messages.Clear();
        var errors = TenantValidator.Validate(Model, Regions);
        Show(errors);
        return errors.Count == 0;
    }

    private void Show(IReadOnlyDictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors)
        {
            _messages.Add(_editContext.Field(field), messages);
        }

        _editContext.NotifyValidationStateChanged();
    }

    private async Task SubmitAsync()
    {
        if (_saving || ReadOnly)
        {
            return;
        }

        _submitted = true;
        _conflict = null;
        _formError = null;
        if (!Validate())
        {
            _formError = "Nothing was saved. Fix the fields marked in red.";
            return;
        }

        _saving = true;
        try
        {
            var result = await OnSave(Model);
            switch (result.Status)
            {
                case TenantSaveStatus.Invalid:
                    _messages.Clear();
                    Show(result.Errors);
                    _formError = result.Message;
                    break;
                case TenantSaveStatus.Conflict:
                    _conflict = result;
                    break;
                case TenantSaveStatus.NotFound:
                    _formError = result.Message;
                    break;
                case TenantSaveStatus.Saved:
                default:
                    break;
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task OverwriteAsync()
    {
        // The user has seen the differences: saving from the current version is a deliberate overwrite.
        if (_conflict?.CurrentVersion is { } version)
        {
            Model.Version = version;
            await SubmitAsync();
        }
    }

    private async Task ReloadTheirsAsync()
    {
        _conflict = null;
        await OnReload.InvokeAsync();
    }

    private void OnUemRegionChanged(int? regionId)
    {
        var old = SelectedUemRegion;
        Model.UemRegionId = regionId;
        // Follow the region unless the user typed their own token URL.
        if (string.IsNullOrWhiteSpace(Model.UemTokenUrl) || (old is not null && (InputRules.SameUrl(Model.UemTokenUrl, old.TokenUrl) || InputRules.SameUrl(Model.UemTokenUrl, old.LegacyTokenUrl))))
        {
            Model.UemTokenUrl = SelectedUemRegion?.TokenUrl ?? "";
        }

        _editContext.NotifyFieldChanged(_editContext.Field(nameof(Model.UemRegionId)));
    }

    private void UseTokenUrl(string url)
    {
        Model.UemTokenUrl = url;
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(Model.UemTokenUrl)));
    }

    private void OnTokenUrlChanged(string value)
    {
        Model.UemTokenUrl = WithoutTrailingSlash(nameof(Model.UemTokenUrl), value) ?? "";
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(Model.UemTokenUrl)));
    }

    private void OnApiUrlChanged(string value)
    {
        Model.UemApiUrl = WithoutTrailingSlash(nameof(Model.UemApiUrl), value) ?? "";
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(Model.UemApiUrl)));
    }

    /// <summary>Removes a trailing slash as the service would, and keeps a note under the field so the change is visible.</summary>
    private string? WithoutTrailingSlash(string field, string? value)
    {
        var stripped = TrailingSlash.Remove(value);
        if (string.Equals(stripped, value, StringComparison.Ordinal))
        {
            _urlNotes.Remove(field);
        }
        else
        {
            _urlNotes[field] = TrailingSlash.Note;
        }

        return stripped;
    }

    private string? NoteFor(string field) => _urlNotes.GetValueOrDefault(field);

    private void OnConsoleUrlChanged(string value)
    {
        var previousDerived = UemUrls.DeriveApiUrl(Model.UemConsoleUrl);
        Model.UemConsoleUrl = value;
        var derived = UemUrls.DeriveApiUrl(value);
        if (derived is not null && (string.IsNullOrWhiteSpace(Model.UemApiUrl) || Model.UemApiUrl == previousDerived))
        {
            Model.UemApiUrl = derived;
            _apiUrlHint = $"Derived from the console URL ('cn' → 'as'): {derived}. Confirm it, or paste the REST API URL from System → Advanced → Site URLs.";
        }
        else if (derived is null)
        {
            _apiUrlHint = "Paste the REST API URL from the console: Groups & Settings → System → Advanced → Site URLs.";
        }

        _editContext.NotifyFieldChanged(_editContext.Field(nameof(Model.UemConsoleUrl)));
    }

    public void Dispose()
    {
        if (_editContext is not null)
        {
            _editContext.OnFieldChanged -= OnFieldChanged;
        }

        GC.SuppressFinalize(this);
    }
}
