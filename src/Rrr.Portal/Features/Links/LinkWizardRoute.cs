namespace Rrr.Portal.Features.Links;

/// <summary>
/// Where the linking wizard lives, and whether it exists in this build yet. Offering a link to a page
/// that 404s would be a fake; once a component routes here, the offers light up by themselves.
/// </summary>
public static class LinkWizardRoute
{
    public const string Path = "/member/link";

    private static readonly Lazy<bool> Present = new(() =>
        typeof(LinkWizardRoute).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), inherit: false).Cast<RouteAttribute>())
            .Any(r => string.Equals(r.Template.TrimEnd('/'), Path, StringComparison.OrdinalIgnoreCase)));

    public static bool Exists => Present.Value;
}
