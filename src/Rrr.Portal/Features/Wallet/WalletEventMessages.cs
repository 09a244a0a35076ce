using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Wallet;

/// <summary>
/// Which RRR events change what the points panel shows, and the short note a member sees for each: the sentence of
/// the notification the same event makes (<see cref="NotificationRules.KindOf"/>, <see cref="NotificationText"/>),
/// so the panel's toast and the inbox say the same thing.
/// </summary>
public static class WalletEventMessages
{
    /// <summary>Events after which the panel shows something new: a wallet change (<see cref="WalletSync"/>) or a link change.</summary>
    public static bool Refreshes(string type) => WalletSync.Follows(type) || type == RrrEventTypes.LinkUpdated;

    /// <summary>"120 points posted" and the like; null for events that need no note.</summary>
    public static string? Describe(RrrEvent rrrEvent, IStringLocalizer<NotificationWords> words, ReaderTime time)
    {
        ArgumentNullException.ThrowIfNull(rrrEvent);
        ArgumentNullException.ThrowIfNull(words);
        if (NotificationRules.KindOf(rrrEvent) is not { } kind)
        {
            // A link change with no notification of its own (e.g. pending): still news on the panel.
            return rrrEvent.Type == RrrEventTypes.LinkUpdated ? words["LinkChanged"].Value : null;
        }

        var values = rrrEvent.GetLong("points") is { } n
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["points"] = Math.Abs(n).ToString(CultureInfo.InvariantCulture) }
            : new Dictionary<string, string>(StringComparer.Ordinal);
        return NotificationText.Describe(kind, values, words, time);
    }
}
