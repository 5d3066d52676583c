using Microsoft.AspNetCore.Components;

namespace Portal.Components.Layout;

/// <summary>
/// A Material icon as bare SVG, MudIcon's markup rendered into the caller's own tree: no component per icon, which each
/// circuit would hold (MudBlazor's icon constants are the SVG paths).
/// </summary>
public static class ShellIcon
{
    public static RenderFragment Svg(string paths, string? extraClass = null) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", extraClass is null ? "mud-icon-root mud-svg-icon mud-icon-size-medium" : $"mud-icon-root mud-svg-icon mud-icon-size-medium {extraClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, paths);
        builder.CloseElement();
    };
}
