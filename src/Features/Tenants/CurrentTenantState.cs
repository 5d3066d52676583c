namespace Portal.Features.Tenants;

/// <summary>
/// The tenant the user is working on in this browser tab (circuit-scoped). The app-bar switcher and the tenant
/// page set it; other features (wizard, verifier) read <see cref="Current"/> and listen to <see cref="Changed"/>.
/// It is only a convenience: services still check scope on every call.
/// </summary>
public sealed class CurrentTenantState
{
    public TenantRef? Current { get; private set; }

    public event Action? Changed;

    public void Set(TenantRef? tenant)
    {
        if (Current == tenant)
        {
            return;
        }

        Current = tenant;
        Changed?.Invoke();
    }
}
