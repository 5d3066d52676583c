using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>
/// The portal's palette. MudBlazor's default dark palette fails axe colour contrast (style.md §9),
/// so both palettes here use text/background pairs of at least 4.5:1.
/// </summary>
public static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fae",
            Secondary = "#6b3fa0",
            Success = "#1b7a36",
            Error = "#b3261e",
            Warning = "#8a5300",
            Info = "#0b6b8a",
            AppbarBackground = "#163f73",
            AppbarText = "#ffffff",
            Background = "#f6f7f9",
            DrawerBackground = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.68)",
            ActionDefault = "rgba(0,0,0,0.68)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4f8",
            PrimaryContrastText = "#0b1d36",
            Secondary = "#c9a7f5",
            Success = "#7bd88f",
            Error = "#ff8a80",
            Warning = "#ffc766",
            Info = "#7fd3f0",
            Black = "#101217",
            Background = "#15171c",
            BackgroundGray = "#1d2026",
            Surface = "#1e2128",
            DrawerBackground = "#1b1e24",
            DrawerText = "rgba(255,255,255,0.87)",
            DrawerIcon = "rgba(255,255,255,0.80)",
            AppbarBackground = "#1b2a40",
            AppbarText = "#ffffff",
            TextPrimary = "rgba(255,255,255,0.92)",
            TextSecondary = "rgba(255,255,255,0.74)",
            ActionDefault = "rgba(255,255,255,0.80)",
            LinesDefault = "rgba(255,255,255,0.16)",
            TableLines = "rgba(255,255,255,0.16)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
