namespace Rrr.Core.Features.Approvals;

/// <summary>
/// Who must approve, recorded on the request when it is made (and again on an edit), so a later change of
/// the rules never rewrites what an existing request needed.
/// </summary>
/// <param name="RequiredXcnApprovers">Distinct XCN admins, the maker excluded.</param>
/// <param name="RequiresRrrAdmin">RRR takes a further decision by its own admin after the XCN quorum.</param>
public sealed record ApprovalPolicy(int RequiredXcnApprovers, bool RequiresRrrAdmin)
{
    public string Describe() => RequiresRrrAdmin
        ? $"{RequiredXcnApprovers} distinct XCN admins + 1 RRR admin"
        : RequiredXcnApprovers == 1 ? "1 XCN admin" : $"{RequiredXcnApprovers} distinct XCN admins";
}

public enum ApprovalStatus
{
    /// <summary>Waiting for XCN approvals.</summary>
    Pending,

    /// <summary>The XCN quorum is met; the feature carries the request out (e.g. posts it to RRR).</summary>
    Approved,

    Rejected,

    /// <summary>Not stored: a pending request past its expiry reads as expired.</summary>
    Expired,
}

public enum ApprovalAction
{
    Requested,
    Approved,
    Rejected,
    Edited,
}

/// <summary>
/// One maker-checker request. <see cref="Kind"/> names the feature (adjustment, promotion) and
/// <see cref="PayloadJson"/> is that feature's own record; the engine never reads it.
/// </summary>
/// <param name="PayloadVersion">Rises with every edit; approvals count only for the current version.</param>
/// <param name="Revision">Optimistic concurrency token: rises with every stored change of this request.</param>
public sealed record ApprovalRequest(
    string Id,
    string Kind,
    string SubjectId,
    string PayloadJson,
    long PayloadVersion,
    ApprovalPolicy Policy,
    string MakerId,
    ApprovalStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    long Revision,
    ApprovalOutcome? Outcome = null)
{
    /// <summary>The status as of <paramref name="now"/>: a pending request past its expiry is expired.</summary>
    public ApprovalStatus StatusAt(DateTimeOffset now) =>
        Status == ApprovalStatus.Pending && now >= ExpiresAt ? ApprovalStatus.Expired : Status;
}

/// <summary>
/// What the other side (RRR) made of an approved request: its id, its status and its resource version,
/// so an older webhook never overwrites a newer state. Not part of the chain: it is RRR's record, not ours.
/// </summary>
public sealed record ApprovalOutcome(string? ExternalId, string Status, long Version, string? ErrorCode, DateTimeOffset UpdatedAt);

/// <summary>
/// A decision or change about to be appended; the store seals it into the chain. Not sealed itself:
/// an <see cref="ApprovalRecord"/> is exactly such an entry plus its place in the chain.
/// </summary>
public record ApprovalRecordDraft(
    string RequestId,
    ApprovalAction Action,
    string ActorId,
    string ActorRole,
    long PayloadVersion,
    string? Reason,
    DateTimeOffset At,
    string? Detail = null);

/// <summary>
/// One append-only log record: the entry as drafted, numbered and linked. <see cref="Hash"/> is HMAC-SHA256 under the
/// key <see cref="KeyId"/> names, over <see cref="PreviousHash"/> and the canonical form of every other field
/// (<see cref="ApprovalChain"/>, <see cref="ApprovalChainKeys"/>), so changing, removing or reordering any stored record
/// breaks the chain from that record on, and without the key nobody can reseal it. A null <see cref="KeyId"/> marks a
/// legacy record (plain SHA-256, from before the chain was keyed).
/// <see cref="ApprovalRecordDraft.Detail"/> holds feature facts the record vouches for (e.g. the policy and
/// payload hash of a request or edit).
/// </summary>
public sealed record ApprovalRecord : ApprovalRecordDraft
{
    public ApprovalRecord(long sequence, ApprovalRecordDraft entry, string previousHash, string hash, string? keyId = null)
        : base(entry)
    {
        Sequence = sequence;
        PreviousHash = previousHash;
        Hash = hash;
        KeyId = keyId;
    }

    /// <summary>Which chain key sealed it; null for a legacy (plain SHA-256) record.</summary>
    public string? KeyId { get; init; }

    public long Sequence { get; init; }

    public string PreviousHash { get; init; }

    public string Hash { get; init; }
}

/// <summary>A request with its log records, and what they add up to.</summary>
public sealed record ApprovalView(ApprovalRequest Request, IReadOnlyList<ApprovalRecord> Records)
{
    /// <summary>Distinct approvers of the current payload version, first approval first.</summary>
    public IReadOnlyList<ApprovalRecord> CurrentApprovals { get; } = Records
        .Where(r => r.Action == ApprovalAction.Approved && r.PayloadVersion == Request.PayloadVersion)
        .GroupBy(r => r.ActorId, StringComparer.Ordinal)
        .Select(g => g.First())
        .OrderBy(r => r.Sequence)
        .ToList();

    public ApprovalRecord? Rejection { get; } = Records.LastOrDefault(r => r.Action == ApprovalAction.Rejected);

    public bool QuorumMet => CurrentApprovals.Count >= Request.Policy.RequiredXcnApprovers;

    /// <summary>Approvals of the current version against the policy, e.g. "1 of 2 XCN".</summary>
    public string Progress => string.Create(
        System.Globalization.CultureInfo.InvariantCulture, $"{CurrentApprovals.Count} of {Request.Policy.RequiredXcnApprovers} XCN");
}

/// <summary>Where a stored request lives; one log for every kind, so one chain covers them all.</summary>
public interface IApprovalStore
{
    /// <summary>
    /// Stores a new request (revision 1) and appends its first record, atomically where the backend allows. The
    /// record is sealed by <paramref name="chain"/> once its place in the log is known: the key stays with the caller.
    /// </summary>
    Task CreateAsync(ApprovalRequest request, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the request if it still has <paramref name="expectedRevision"/> (it is stored with the next one)
    /// and appends <paramref name="record"/>, sealed by <paramref name="chain"/>. False when someone else changed the request first.
    /// </summary>
    Task<bool> UpdateAsync(ApprovalRequest updated, long expectedRevision, ApprovalRecordDraft record, ApprovalChainKeys chain, CancellationToken cancellationToken);

    /// <summary>Every request, ordered by id, after <paramref name="afterId"/> (null: from the start), at most <paramref name="take"/>: the chain check's walk.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ListByIdAsync(string? afterId, int take, CancellationToken cancellationToken);

    Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApprovalRecord>> GetRecordsAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Records of several requests in one read, in sequence order (a page of views without one read per request).</summary>
    Task<IReadOnlyList<ApprovalRecord>> GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken);

    /// <summary>
    /// Pending requests not expired at <see cref="ApprovalQueueQuery.Now"/>, ordered by created time then id, after
    /// the query's cursor, at most <see cref="ApprovalQueueQuery.Take"/>.
    /// </summary>
    Task<IReadOnlyList<ApprovalRequest>> ListPendingAsync(ApprovalQueueQuery query, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ListAsync(string kind, int take, CancellationToken cancellationToken);

    /// <summary>One subject's requests (e.g. a promotion's approval rounds), newest first.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ListForSubjectAsync(string kind, string subjectId, int take, CancellationToken cancellationToken);

    Task<ApprovalRequest?> FindByExternalIdAsync(string kind, string externalId, CancellationToken cancellationToken);

    /// <summary>Sets the outcome unless the stored one has a higher version; true when it was stored.</summary>
    Task<bool> SetOutcomeAsync(string requestId, ApprovalOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Log records with a sequence above <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<ApprovalRecord>> ReadLogAsync(long afterSequence, int take, CancellationToken cancellationToken);
}
