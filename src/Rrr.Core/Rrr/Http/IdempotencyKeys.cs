namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Idempotency keys derived from business facts, so a retry after a lost response (a restart, a second
/// click, an outbox re-run) sends the same key and RRR replays the first answer instead of acting twice.
/// A key must never come from a fresh random value at call time; where no business fact exists, the
/// caller makes an attempt id once (e.g. when a dialog opens) and passes it in.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>RRR refuses longer keys with validation_failed.</summary>
    public const int MaxLength = 255;

    public static string EarnTokens(string orderNumber) => Key("earn_token", orderNumber);

    public static string EarnMembership(string orderNumber) => Key("earn_membership", orderNumber);

    public static string EarnReverse(string earnEventId) => Key("earn_reverse", earnEventId);

    /// <param name="clientAwardId">Made once per award dialog by the UI, so a double click is one award.</param>
    public static string AwardIntent(string clientAwardId) => Key("award", clientAwardId);

    public static string AwardCommit(string awardIntentId) => Key("award_intent", awardIntentId);

    public static string RedeemQuote(string orderRef) => Key("redeem_quote", orderRef);

    public static string RedeemCommit(string quoteId) => Key("redeem_commit", quoteId);

    public static string RedeemReverse(string quoteId) => Key("redeem_reverse", quoteId);

    public static string TopupQuote(string orderRef, int bundle) =>
        Key("topup_quote", orderRef, bundle.ToString(CultureInfo.InvariantCulture));

    public static string TopupCommit(string quoteId) => Key("topup_commit", quoteId);

    /// <param name="attemptId">Made once per link wizard run, so a resend within it is one intent.</param>
    public static string LinkIntent(string xcnUserId, string attemptId) => Key("link_intent", xcnUserId, attemptId);

    /// <param name="attemptNo">Counts code entries: each typed code is its own confirm attempt.</param>
    public static string LinkConfirm(string intentId, int attemptNo) =>
        Key("link_confirm", intentId, attemptNo.ToString(CultureInfo.InvariantCulture));

    public static string LinkRevoke(string linkId) => Key("link_revoke", linkId);

    /// <param name="clientRequestId">Made once per create form, so a double submit is one promotion.</param>
    public static string PromotionCreate(string clientRequestId) => Key("promotion_create", clientRequestId);

    /// <param name="version">The version being edited: one edit per version, a stale form gets invalid_state.</param>
    public static string PromotionUpdate(string promotionId, long version) =>
        Key("promotion_update", promotionId, version.ToString(CultureInfo.InvariantCulture));

    public static string PromotionSubmit(string promotionId, long version) =>
        Key("promotion_submit", promotionId, version.ToString(CultureInfo.InvariantCulture));

    public static string PromotionDecision(string promotionId, long version, string approverId) =>
        Key("promotion_decision", promotionId, version.ToString(CultureInfo.InvariantCulture), approverId);

    /// <param name="approvalRequestId">The portal's approval request the adjustment carries out.</param>
    public static string AdjustmentCreate(string approvalRequestId) => Key("adjustment", approvalRequestId);

    public static string AdjustmentDecision(string adjustmentId, string approverId) =>
        Key("adjustment_decision", adjustmentId, approverId);

    /// <param name="attemptId">One per click: tickets are single-use, but a retried request must not mint two.</param>
    public static string SsoTicket(string rrrMemberId, string attemptId) => Key("sso_ticket", rrrMemberId, attemptId);

    /// <summary>True when <paramref name="key"/> is one RRR accepts: 1–255 visible ASCII characters.</summary>
    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxLength && key.All(c => c is > ' ' and <= '~');

    private static string Key(string prefix, params string[] parts)
    {
        foreach (var part in parts)
        {
            // Parts are opaque ids; a space or non-ASCII character would not survive an HTTP header.
            if (string.IsNullOrEmpty(part) || !part.All(c => c is > ' ' and <= '~'))
            {
                throw new ArgumentException($"An idempotency key part for '{prefix}' must be non-empty visible ASCII.", nameof(parts));
            }
        }

        var key = string.Join('_', [prefix, .. parts]);
        if (key.Length > MaxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The idempotency key for '{prefix}' is {key.Length} characters; RRR accepts at most {MaxLength}."),
                nameof(parts));
        }

        return key;
    }
}
