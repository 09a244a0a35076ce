namespace Rrr.Core.Rrr.Http;

/// <summary>The <c>code</c> values of RRR problem responses (docs/rrr-wire.md).</summary>
public static class RrrErrorCodes
{
    public const string NotLinked = "not_linked";
    public const string AlreadyLinked = "already_linked";
    public const string InsufficientPoints = "insufficient_points";
    public const string QuoteExpired = "quote_expired";
    public const string ApprovalNotAllowed = "approval_not_allowed";
    public const string ValidationFailed = "validation_failed";
    public const string IdempotencyKeyRequired = "idempotency_key_required";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string RequestInProgress = "request_in_progress";
    public const string ClientIdRequired = "client_id_required";
    public const string InvalidCode = "invalid_code";
    public const string IntentVoid = "intent_void";
    public const string IntentExpired = "intent_expired";
    public const string DuplicateOrder = "duplicate_order";
    public const string AlreadyReversed = "already_reversed";
    public const string AlreadyDecided = "already_decided";
    public const string ApprovalQuorumNotMet = "approval_quorum_not_met";
    public const string InvalidState = "invalid_state";
    public const string NotFound = "not_found";
    public const string Unauthorized = "unauthorized";
    public const string ServiceUnavailable = "service_unavailable";
}
