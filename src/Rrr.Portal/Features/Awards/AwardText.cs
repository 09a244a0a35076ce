namespace Rrr.Portal.Features.Awards;

/// <summary>The model room's and award history's texts (AwardText.resx, AwardText.es.resx). Only a name for <c>IStringLocalizer&lt;AwardText&gt;</c>: the resources carry the texts.</summary>
public sealed class AwardText
{
}
