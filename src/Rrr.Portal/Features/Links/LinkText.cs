namespace Rrr.Portal.Features.Links;

/// <summary>The link status chip's, the linking wizard's and the revoke dialog's texts (LinkText.resx, LinkText.es.resx). Only a name for <c>IStringLocalizer&lt;LinkText&gt;</c>: the resources carry the texts.</summary>
public sealed class LinkText
{
}
