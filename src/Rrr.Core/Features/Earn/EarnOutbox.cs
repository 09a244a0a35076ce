namespace Rrr.Core.Features.Earn;

/// <summary>
/// Durable outbox of XCN order events that must reach RRR, unique by (order number, kind). Posting is
/// lease-based: a claimed row is invisible to other instances until its lease runs out (a crashed
/// instance), and completions only land for the owner of the lease. Times come from the caller.
/// </summary>
public interface IEarnOutbox
{
    /// <summary>
    /// Stores each order unless its (order number, kind) is already there, in one durable write; the
    /// outcomes are in the order of <paramref name="orders"/> and carry the stored row (the first one on a repeat).
    /// </summary>
    Task<IReadOnlyList<OutboxAddOutcome>> TryAddManyAsync(IReadOnlyList<EarnOrder> orders, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> due rows (PENDING and due, or CLAIMED with an expired lease),
    /// soonest due first, to <paramref name="owner"/> until <paramref name="leaseUntil"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxRow>> ClaimBatchAsync(
        string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Settles claimed rows in one write; one flag per completion (false: the lease was lost meanwhile). A paid
    /// order settled as posted with its earn event (<see cref="OutboxCompletion.ReopensRefund"/>) reopens its refund
    /// if that is DEAD or resolved as nothing-to-reverse: PENDING, due now, attempts reset, and a new key generation
    /// when RRR had refused it (not when it only waited for the payment).
    /// </summary>
    Task<IReadOnlyList<bool>> CompleteManyAsync(
        string owner, IReadOnlyList<OutboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken);

    Task<OutboxRow?> GetAsync(OutboxKey key, CancellationToken cancellationToken);

    /// <summary>Rows per status (every status present, zero when none).</summary>
    Task<IReadOnlyDictionary<OutboxStatus, long>> CountByStatusAsync(CancellationToken cancellationToken);

    /// <summary>When the oldest row still on its way to RRR (PENDING or CLAIMED) was accepted; null when none waits.</summary>
    Task<DateTimeOffset?> OldestWaitingAcceptedAtAsync(CancellationToken cancellationToken);

    /// <summary>Rows with <paramref name="status"/>, most recently updated first.</summary>
    Task<IReadOnlyList<OutboxRow>> ListAsync(OutboxStatus status, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a DEAD row back to PENDING, due at <paramref name="now"/>, with its attempts reset and its key generation
    /// raised by one; also a refund resolved as nothing-to-reverse (its paid order may post after all). False when the
    /// row is neither.
    /// </summary>
    Task<bool> RetryAsync(OutboxKey key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary><see cref="RetryAsync"/> for every DEAD row; returns how many.</summary>
    Task<long> RetryAllDeadAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The XCN user is linked now: their HELD paid orders go back to PENDING, due at <paramref name="now"/>, attempts
    /// reset, in a new key generation (RRR replays the not_linked it stored for the old key for 24 h). Their CLAIMED paid
    /// orders get the new generation too, so a not_linked answer still in flight settles PENDING instead of HELD
    /// (<see cref="CompletionKind.Held"/>). Returns how many HELD rows were released.
    /// </summary>
    Task<long> ReleaseHeldAsync(string xcnUserId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>HELD rows whose hold ended at or before <paramref name="now"/> become DEAD with <see cref="OutboxCodes.HoldExpired"/>; returns how many.</summary>
    Task<long> ExpireHeldAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The HELD rows of one XCN user, oldest accepted first, at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<OutboxRow>> ListHeldAsync(string xcnUserId, int take, CancellationToken cancellationToken);

    /// <summary>DEAD rows whose last error is <paramref name="errorCode"/> (e.g. expired holds, which need no admin).</summary>
    Task<long> CountDeadAsync(string errorCode, CancellationToken cancellationToken);
}

public enum OrderEventKind
{
    /// <summary>XCN's ORDER_PAID: posts an earn event.</summary>
    Paid,

    /// <summary>XCN's ORDER_REFUNDED: reverses the paid order's earn event.</summary>
    Refunded,
}

public enum OutboxStatus
{
    Pending,
    Claimed,
    Posted,
    Dead,

    /// <summary>
    /// A paid order RRR refused as not_linked: kept, not claimed, until the buyer links (released to PENDING) or
    /// <see cref="OutboxRow.HeldUntil"/> passes (DEAD, <see cref="OutboxCodes.HoldExpired"/>).
    /// </summary>
    Held,
}

public sealed record OutboxKey(string OrderNumber, OrderEventKind Kind);

/// <summary>
/// An accepted order event. Ids only: the XCN user id is opaque, and nothing else about the buyer is kept.
/// <paramref name="Amount"/> is null for refunds (the whole paid order is reversed).
/// </summary>
/// <param name="MembershipPlan">XCN's plan code of a paid membership (e.g. <c>monthly</c>); null for tokens, refunds and
/// rows accepted before plans were carried.</param>
/// <param name="Tier">What <see cref="EarnOptions.MembershipTiers"/> mapped the plan to when the order was accepted, kept
/// so the row says what was decided (a later change of the map does not re-tier an order on its way to RRR).</param>
public sealed record EarnOrder(
    string OrderNumber,
    OrderEventKind Kind,
    string XcnUserId,
    EarnProduct Product,
    Money? Amount,
    DateTimeOffset OccurredAt,
    DateTimeOffset AcceptedAt,
    string? MembershipPlan = null,
    string? Tier = null)
{
    public OutboxKey Key => new(OrderNumber, Kind);

    /// <summary>
    /// Same business fact (a repeat of the same call), whatever the time it was accepted. The plan is part of the fact
    /// (XCN said it); the tier is not (the portal derived it, and its map may have changed between two deliveries).
    /// </summary>
    public bool SameFactAs(EarnOrder other) =>
        other is not null
        && OrderNumber == other.OrderNumber
        && Kind == other.Kind
        && XcnUserId == other.XcnUserId
        && Product == other.Product
        && Amount?.Amount == other.Amount?.Amount
        && Amount?.Currency == other.Amount?.Currency
        && OccurredAt == other.OccurredAt
        && MembershipPlan == other.MembershipPlan;
}

/// <summary>What RRR answered, as kept on the row.</summary>
/// <param name="Status">POSTED | PENDING (earn), REVERSED (refund), DUPLICATE (RRR already had the order),
/// NOTHING_TO_REVERSE (a refund of an order that never earned), CANCELLED (a held paid order that was refunded).</param>
public sealed record EarnPostResult(string? EarnEventId, long? Points, string Status)
{
    public const string NothingToReverse = "NOTHING_TO_REVERSE";
    public const string Duplicate = "DUPLICATE";
    public const string Reversed = "REVERSED";

    /// <summary>A paid order refunded while it was held (its buyer never linked in between): it never reaches RRR.</summary>
    public const string Cancelled = "CANCELLED";
}

/// <param name="KeyGeneration">Raised by every admin retry (and by reopening a refused refund): the idempotency key
/// carries it from generation 1 on, so RRR sees a new request instead of replaying the refusal it stored for the old
/// key. Generation 0 keys are the plain order keys, so automatic retries within a generation still share one key.</param>
/// <param name="HeldUntil">Set when RRR first answered not_linked: first refusal + Earn:HoldUnlinkedFor. Kept after a
/// release, so a later not_linked (a link revoked again) does not start a new window. While HELD, NextAttemptAt is it too.</param>
public sealed record OutboxRow(
    EarnOrder Order,
    OutboxStatus Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    EarnPostResult? Result,
    string? LastError,
    DateTimeOffset UpdatedAt,
    int KeyGeneration = 0,
    DateTimeOffset? HeldUntil = null)
{
    public OutboxKey Key => Order.Key;
}

public sealed record OutboxAddOutcome(bool Added, OutboxRow Row);

public enum CompletionKind
{
    /// <summary>Done: RRR has it (or there is nothing to do).</summary>
    Posted,

    /// <summary>Back to PENDING, due at the retry time.</summary>
    Retry,

    /// <summary>Dead letter: waits for an admin.</summary>
    Dead,

    /// <summary>
    /// HELD until <see cref="OutboxCompletion.HeldUntil"/>: the buyer is not linked yet. If the row's key generation is
    /// no longer <see cref="OutboxCompletion.KeyGeneration"/> (a release came while RRR was asked), PENDING and due now instead.
    /// </summary>
    Held,
}

/// <param name="ErrorCode">An RRR problem code or an exception type name; never a message (no PII).</param>
/// <param name="CountsAsAttempt">False for waits that say nothing about the row (RRR down, refund waiting for its paid order).</param>
/// <param name="HeldUntil">For <see cref="CompletionKind.Held"/>: when the hold ends.</param>
/// <param name="KeyGeneration">For <see cref="CompletionKind.Held"/>: the generation the row was claimed (and refused) in.</param>
/// <param name="CancelsHeldPaid">A refund settled as nothing-to-reverse because its paid order is HELD: in the same write the
/// paid order is closed as <see cref="EarnPostResult.Cancelled"/>; if it is no longer HELD then, the refund goes PENDING again.</param>
public sealed record OutboxCompletion(
    OutboxKey Key,
    CompletionKind Kind,
    EarnPostResult? Result = null,
    string? ErrorCode = null,
    DateTimeOffset? RetryAt = null,
    bool CountsAsAttempt = true,
    DateTimeOffset? HeldUntil = null,
    int KeyGeneration = 0,
    bool CancelsHeldPaid = false)
{
    /// <summary>A paid order the buyer has not linked yet: held until <paramref name="until"/> (no attempt counted).</summary>
    public static OutboxCompletion Held(OutboxKey key, DateTimeOffset until, int keyGeneration) =>
        new(key, CompletionKind.Held, ErrorCode: RrrErrorCodes.NotLinked, CountsAsAttempt: false, HeldUntil: until, KeyGeneration: keyGeneration);

    /// <summary>
    /// A paid order posting with its earn event: its refund, if it waited in vain (dead-lettered or resolved as
    /// nothing-to-reverse before the payment arrived), is reopened in the same write (<see cref="IEarnOutbox.CompleteManyAsync"/>).
    /// </summary>
    public bool ReopensRefund => Kind == CompletionKind.Posted && Key.Kind == OrderEventKind.Paid && Result?.EarnEventId is not null;
}

/// <summary>Stored text of the enums, shared by both adapters.</summary>
public static class OutboxCodes
{
    /// <summary>A refund's error while its paid order is not in the outbox: nothing was sent to RRR for it.</summary>
    public const string PaidOrderUnknown = "paid_order_unknown";

    /// <summary>A DEAD paid order's error when its buyer did not link within Earn:HoldUnlinkedFor.</summary>
    public const string HoldExpired = "hold_expired";

    private static readonly CodeTable<OutboxStatus> Statuses = new(
        fallback: (OutboxStatus.Dead, "DEAD"), (OutboxStatus.Pending, "PENDING"), (OutboxStatus.Claimed, "CLAIMED"), (OutboxStatus.Posted, "POSTED"),
        (OutboxStatus.Held, "HELD"));

    public static string KindText(OrderEventKind kind) => kind == OrderEventKind.Paid ? "PAID" : "REFUNDED";

    public static OrderEventKind ParseKind(string text) => text == "PAID" ? OrderEventKind.Paid : OrderEventKind.Refunded;

    public static string StatusText(OutboxStatus status) => Statuses.Text(status);

    public static OutboxStatus ParseStatus(string text) => Statuses.Parse(text);

    public static string ProductText(EarnProduct product) => product == EarnProduct.Tokens ? "TOKENS" : "MEMBERSHIP";

    public static EarnProduct ParseProduct(string text) => text == "TOKENS" ? EarnProduct.Tokens : EarnProduct.Membership;

    public static OutboxStatus StatusAfter(CompletionKind kind) => kind switch
    {
        CompletionKind.Posted => OutboxStatus.Posted,
        CompletionKind.Retry => OutboxStatus.Pending,
        CompletionKind.Held => OutboxStatus.Held,
        _ => OutboxStatus.Dead,
    };
}
