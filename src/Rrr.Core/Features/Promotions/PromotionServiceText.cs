namespace Rrr.Core.Features.Promotions;

/// <summary>The promotion service's refusals, in the admin's language (PromotionServiceText.resx, .es.resx). Only a name for <c>IStringLocalizer&lt;PromotionServiceText&gt;</c>.</summary>
public sealed class PromotionServiceText
{
}
