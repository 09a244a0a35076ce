namespace Rrr.Portal.Components.Layout;

/// <summary>The app bar's and navigation's texts (LayoutText.resx, LayoutText.es.resx). Only a name for <c>IStringLocalizer&lt;LayoutText&gt;</c>: the resources carry the texts.</summary>
public sealed class LayoutText
{
}
