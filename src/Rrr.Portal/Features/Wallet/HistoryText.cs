using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Wallet;

/// <summary>The history's words for RRR's entry types and the portal's kinds (WalletText resources), in one place for the table and the filter.</summary>
public static class HistoryText
{
    public static string TypeLabel(LedgerEntryType type, IStringLocalizer<WalletText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Enum.IsDefined(type) ? text["Type" + type].Value : type.ToString();
    }

    public static string KindLabel(HistoryKind kind, IStringLocalizer<WalletText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Enum.IsDefined(kind) ? text["Kind" + kind].Value : kind.ToString();
    }

    /// <summary>The member's words for a broken date rule, shown under the field.</summary>
    public static string? DateIssue(HistoryDateIssue? issue, IStringLocalizer<WalletText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return issue is { } i ? text[i.ToString()].Value : null;
    }
}
