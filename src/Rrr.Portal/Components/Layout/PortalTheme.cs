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
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#f06292",
            Secondary = "#ff8a80",
            AppbarBackground = "#3b0a18",
        },
    };
}
