namespace Rrr.Portal.Features.Sso;

/// <summary>"Open RedRoomRewards" and its unavailable page's texts (SsoText.resx, SsoText.es.resx). Only a name for <c>IStringLocalizer&lt;SsoText&gt;</c>: the resources carry the texts.</summary>
public sealed class SsoText
{
}
