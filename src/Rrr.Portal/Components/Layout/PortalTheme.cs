namespace Rrr.Portal.Components.Layout;

/// <summary>RedRoomRewards colours for both light and dark mode.</summary>
public static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#8e1537",
            Secondary = "#c2185b",
            AppbarBackground = "#8e1537",
            Background = "#faf7f8",

            // MudBlazor's defaults (#2196f3, #ff9800, #00c853, #f44336) fail WCAG AA as outlined-alert text on white and
            // under white text in filled alerts (axe: color-contrast, serious); these keep the hues at 4.5:1 or more both ways.
            Info = "#0b62b5",
            Warning = "#a34f00",
            Success = "#1b7a35",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#f06292",
            Secondary = "#ff8a80",
            AppbarBackground = "#3b0a18",
        },
    };
}
