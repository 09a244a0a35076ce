namespace Rrr.Persistence.Mongo;

// The approval store's two stored shapes: the request and its log record.

internal sealed class ApprovalRequestDocument
{
    public string Id { get; set; } = "";

    public string Kind { get; set; } = "";

    public string SubjectId { get; set; } = "";

    public string PayloadJson { get; set; } = "";

    public long PayloadVersion { get; set; }

    public int RequiredXcn { get; set; }

    public bool RequiresRrr { get; set; }

    public string MakerId { get; set; } = "";

    public string Status { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public long Revision { get; set; }

    public string? OutcomeExternalId { get; set; }

    public string? OutcomeStatus { get; set; }

    public long? OutcomeVersion { get; set; }

    public string? OutcomeError { get; set; }

    public DateTime? OutcomeUpdatedAt { get; set; }

    public static ApprovalRequestDocument From(ApprovalRequest request) => new()
    {
        Id = request.Id,
        Kind = request.Kind,
        SubjectId = request.SubjectId,
        PayloadJson = request.PayloadJson,
        PayloadVersion = request.PayloadVersion,
        RequiredXcn = request.Policy.RequiredXcnApprovers,
        RequiresRrr = request.Policy.RequiresRrrAdmin,
        MakerId = request.MakerId,
        Status = ApprovalCodes.StatusText(request.Status),
        CreatedAt = BsonTime.From(request.CreatedAt),
        ExpiresAt = BsonTime.From(request.ExpiresAt),
        Revision = request.Revision,
    };

    public ApprovalRequest ToRequest() => new(
        Id, Kind, SubjectId, PayloadJson, PayloadVersion, new ApprovalPolicy(RequiredXcn, RequiresRrr), MakerId,
        ApprovalCodes.ParseStatus(Status), BsonTime.Utc(CreatedAt), BsonTime.Utc(ExpiresAt), Revision,
        OutcomeStatus is null
            ? null
            : new ApprovalOutcome(OutcomeExternalId, OutcomeStatus, OutcomeVersion ?? 0, OutcomeError, BsonTime.Utc(OutcomeUpdatedAt ?? CreatedAt)));
}

internal sealed class ApprovalLogDocument
{
    /// <summary>The sequence number is the key, so two writers can never both append as record n.</summary>
    [BsonId]
    public long Sequence { get; set; }

    public string RequestId { get; set; } = "";

    public string Action { get; set; } = "";

    public string ActorId { get; set; } = "";

    public string ActorRole { get; set; } = "";

    public long PayloadVersion { get; set; }

    public string? Reason { get; set; }

    public DateTime At { get; set; }

    public string? Detail { get; set; }

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";

    /// <summary>Absent on records from before the keyed chain: they read as legacy (plain SHA-256).</summary>
    [BsonIgnoreIfNull]
    public string? KeyId { get; set; }

    public static ApprovalLogDocument From(ApprovalRecord record) => new()
    {
        Sequence = record.Sequence,
        RequestId = record.RequestId,
        Action = ApprovalCodes.ActionText(record.Action),
        ActorId = record.ActorId,
        ActorRole = record.ActorRole,
        PayloadVersion = record.PayloadVersion,
        Reason = record.Reason,
        At = BsonTime.From(record.At),
        Detail = record.Detail,
        PreviousHash = record.PreviousHash,
        Hash = record.Hash,
        KeyId = record.KeyId,
    };

    public ApprovalRecord ToRecord() => new(
        Sequence,
        new ApprovalRecordDraft(RequestId, ApprovalCodes.ParseAction(Action), ActorId, ActorRole, PayloadVersion, Reason, BsonTime.Utc(At), Detail),
        PreviousHash,
        Hash,
        KeyId);
}
