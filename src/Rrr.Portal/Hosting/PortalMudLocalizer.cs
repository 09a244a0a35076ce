using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Hosting;

/// <summary>
/// MudBlazor's own texts (pager and picker buttons, close buttons, loading and conversion messages) in the
/// reader's language, from MudText.resx and MudText.es.resx under MudBlazor's keys. A key not there comes back
/// "not found", and MudBlazor then uses its built-in English. The table pager's "of" is a parameter
/// (<c>InfoFormat</c>), not a key: pages pass their own.
/// </summary>
public sealed class PortalMudLocalizer(IStringLocalizerFactory factory) : MudLocalizer
{
    /// <summary>The resources' name: Hosting/MudText.resx in this assembly (no type, so none clashes with MudBlazor's MudText component).</summary>
    public const string ResourceName = "Rrr.Portal.Hosting.MudText";

    private readonly IStringLocalizer _texts = factory.Create(ResourceName, typeof(PortalMudLocalizer).Assembly.GetName().Name!);

    public override LocalizedString this[string key] => _texts[key];

    public override LocalizedString this[string key, params object[] arguments] => _texts[key, arguments];
}
