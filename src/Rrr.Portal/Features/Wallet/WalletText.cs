namespace Rrr.Portal.Features.Wallet;

/// <summary>The points panel's texts (WalletText.resx, WalletText.es.resx). Only a name for <c>IStringLocalizer&lt;WalletText&gt;</c>: the resources carry the texts.</summary>
public sealed class WalletText
{
}
