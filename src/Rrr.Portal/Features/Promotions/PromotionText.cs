using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Promotions;

/// <summary>The promotion pages' texts (PromotionText.resx, PromotionText.es.resx). Only a name for <c>IStringLocalizer&lt;PromotionText&gt;</c>: the resources carry the texts.</summary>
public sealed class PromotionText
{
}

/// <summary>Texts built from a promotion's values, in the reader's language and number format.</summary>
public static class PromotionWords
{
    /// <summary>The status chip's and filter's label, one key per wire code.</summary>
    public static string Status(this IStringLocalizer<PromotionText> text, PromotionStatus status)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text["Status_" + PromotionStatusText.Code(status)];
    }

    /// <summary>"2× points" or "+500 bonus points".</summary>
    public static string KindAndValue(this IStringLocalizer<PromotionText> text, PromotionKind kind, decimal value)
    {
        ArgumentNullException.ThrowIfNull(text);
        return kind == PromotionKind.Multiplier
            ? text["KindMultiplier", value.ToString("0.##", CultureInfo.CurrentCulture)]
            : text["KindBonus", value.ToString("N0", CultureInfo.CurrentCulture)];
    }

    public static string Audience(this IStringLocalizer<PromotionText> text, PromotionAudience audience)
    {
        ArgumentNullException.ThrowIfNull(text);
        return audience switch
        {
            PromotionAudience.AllMembers => text["AudienceAllMembers"],
            PromotionAudience.NewMembers => text["AudienceNewMembers"],
            _ => text["AudienceModels"],
        };
    }

    /// <summary>The signed-in admin is "you (id)", anyone else their id. <paramref name="afterBy"/>: after "by"/"por", where Spanish says "ti", not "tú".</summary>
    public static string Who(this IStringLocalizer<PromotionText> text, string id, string? adminId, bool afterBy = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return id == adminId ? text[afterBy ? "YouAfterBy" : "You", id] : id;
    }

    /// <summary>Admin times: UTC, stated.</summary>
    public static string Utc(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A whole number as people read it.</summary>
    public static string Number(long n) => n.ToString("N0", CultureInfo.CurrentCulture);
}
