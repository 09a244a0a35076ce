namespace Rrr.Core.Features.Promotions;

/// <summary>The promotion form's validation messages (PromotionFormText.resx, PromotionFormText.es.resx). Only a name for <c>IStringLocalizer&lt;PromotionFormText&gt;</c>: the resources carry the texts.</summary>
public sealed class PromotionFormText
{
}
