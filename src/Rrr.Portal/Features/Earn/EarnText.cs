namespace Rrr.Portal.Features.Earn;

/// <summary>The automatic earn admin page's texts (EarnText.resx, EarnText.es.resx). Only a name for <c>IStringLocalizer&lt;EarnText&gt;</c>: the resources carry the texts.</summary>
public sealed class EarnText
{
}
