namespace Rrr.Persistence.Mongo;

/// <summary>
/// The writes of an approval decision, each inside the caller's transaction (its session). Apart from the
/// store so a test can check, without a server, that a decision's writes share one transaction.
/// </summary>
internal interface IApprovalWrites
{
    Task InsertRequestAsync(IClientSessionHandle session, ApprovalRequest request, CancellationToken cancellationToken);

    /// <summary>Replaces the request only at <paramref name="expectedRevision"/>; false when it moved on.</summary>
    Task<bool> UpdateRequestAsync(IClientSessionHandle session, ApprovalRequest updated, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>The chain's last record (sequence and hash), or null on an empty chain.</summary>
    Task<ApprovalRecord?> LastRecordAsync(IClientSessionHandle session, CancellationToken cancellationToken);

    Task AppendRecordAsync(IClientSessionHandle session, ApprovalRecord record, CancellationToken cancellationToken);
}
