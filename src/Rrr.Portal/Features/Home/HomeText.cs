namespace Rrr.Portal.Features.Home;

/// <summary>The role homes' texts (HomeText.resx, HomeText.es.resx). Only a name for <c>IStringLocalizer&lt;HomeText&gt;</c>: the resources carry the texts.</summary>
public sealed class HomeText
{
}
