using MudBlazor.Services;

namespace Portal.ComponentTests;

/// <summary>Base context mirroring the production UI services (style.md rule 14).</summary>
public abstract class PortalComponentTest : BunitContext
{
    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }
}
