namespace Rrr.Persistence.Mongo;

/// <summary>The approval decision's writes over the two collections; the log record takes its sequence as <c>_id</c>.</summary>
internal sealed class MongoApprovalWrites(MongoDatabaseContext context) : IApprovalWrites
{
    private IMongoCollection<ApprovalRequestDocument> Requests => context.Collection<ApprovalRequestDocument>(MongoApprovalStore.RequestsCollection);

    private IMongoCollection<ApprovalLogDocument> Log => context.Collection<ApprovalLogDocument>(MongoApprovalStore.LogCollection);

    public Task InsertRequestAsync(IClientSessionHandle session, ApprovalRequest request, CancellationToken cancellationToken) =>
        Requests.InsertOneAsync(session, ApprovalRequestDocument.From(request), cancellationToken: cancellationToken);

    public async Task<bool> UpdateRequestAsync(IClientSessionHandle session, ApprovalRequest updated, long expectedRevision, CancellationToken cancellationToken)
    {
        var filter = Builders<ApprovalRequestDocument>.Filter;
        var update = Builders<ApprovalRequestDocument>.Update
            .Set(d => d.PayloadJson, updated.PayloadJson)
            .Set(d => d.PayloadVersion, updated.PayloadVersion)
            .Set(d => d.RequiredXcn, updated.Policy.RequiredXcnApprovers)
            .Set(d => d.RequiresRrr, updated.Policy.RequiresRrrAdmin)
            .Set(d => d.Status, ApprovalCodes.StatusText(updated.Status))
            .Set(d => d.ExpiresAt, BsonTime.From(updated.ExpiresAt))
            .Set(d => d.Revision, expectedRevision + 1);
        var result = await Requests.UpdateOneAsync(
            session, filter.Eq(d => d.Id, updated.Id) & filter.Eq(d => d.Revision, expectedRevision), update, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<ApprovalRecord?> LastRecordAsync(IClientSessionHandle session, CancellationToken cancellationToken) =>
        (await Log.Find(session, FilterDefinition<ApprovalLogDocument>.Empty).SortByDescending(d => d.Sequence).Limit(1).FirstOrDefaultAsync(cancellationToken))
            ?.ToRecord();

    public Task AppendRecordAsync(IClientSessionHandle session, ApprovalRecord record, CancellationToken cancellationToken) =>
        Log.InsertOneAsync(session, ApprovalLogDocument.From(record), cancellationToken: cancellationToken);
}
