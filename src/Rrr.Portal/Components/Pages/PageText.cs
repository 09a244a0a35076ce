namespace Rrr.Portal.Components.Pages;

/// <summary>The static pages' texts (landing, error, 403, 404, no role: PageText.resx, PageText.es.resx). Only a name for <c>IStringLocalizer&lt;PageText&gt;</c>: the resources carry the texts.</summary>
public sealed class PageText
{
}
