namespace Rrr.Persistence.Mongo;

/// <summary>The earn outbox's filters and updates, apart from the port so each reads as one rule.</summary>
internal static class OutboxUpdates
{
    public static readonly string[] DueStatuses = [OutboxCodes.StatusText(OutboxStatus.Pending), OutboxCodes.StatusText(OutboxStatus.Claimed)];

    private static FilterDefinitionBuilder<OutboxDocument> Filter => Builders<OutboxDocument>.Filter;

    /// <summary>A dead letter, or a refund resolved as nothing-to-reverse (its paid order may post after all).</summary>
    public static FilterDefinition<OutboxDocument> Retryable =>
        Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Dead))
        | (Filter.Eq(d => d.Id.Kind, OutboxCodes.KindText(OrderEventKind.Refunded))
            & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Posted))
            & Filter.Eq(d => d.ResultStatus, EarnPostResult.NothingToReverse));

    /// <summary>Rows this owner still leases.</summary>
    public static FilterDefinition<OutboxDocument> LeasedBy(string owner) =>
        Filter.Eq(d => d.LeaseOwner, owner) & Filter.Eq(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Claimed));

    /// <summary>What a completion writes: the new status, and the result or the error; the lease ends.</summary>
    public static UpdateDefinition<OutboxDocument> Complete(OutboxCompletion completion, DateTimeOffset now)
    {
        if (completion.Kind == CompletionKind.Held)
        {
            return Hold(completion, now);
        }

        var update = Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxCodes.StatusAfter(completion.Kind)))
            .Set(d => d.UpdatedAt, BsonTime.From(now))
            .Unset(d => d.LeaseOwner)
            .Unset(d => d.LeaseUntil);
        if (completion.Kind == CompletionKind.Posted)
        {
            return update
                .Set(d => d.EarnEventId, completion.Result?.EarnEventId)
                .Set(d => d.Points, completion.Result?.Points)
                .Set(d => d.ResultStatus, completion.Result?.Status)
                .Unset(d => d.LastError);
        }

        update = update.Set(d => d.LastError, completion.ErrorCode).Inc(d => d.Attempts, completion.CountsAsAttempt ? 1 : 0);
        return completion.Kind == CompletionKind.Retry && completion.RetryAt is { } at
            ? update.Set(d => d.NextAttemptAt, BsonTime.From(at))
            : update;
    }

    /// <summary>
    /// Reopens a refund whose paid order has posted. A pipeline update, so the new key generation is decided on the
    /// stored row: raised only when the refund was dead for a reason other than waiting for its payment (RRR refused it).
    /// </summary>
    public static UpdateDefinition<OutboxDocument> ReopenRefund(DateTimeOffset now)
    {
        var refused = new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { "$status", OutboxCodes.StatusText(OutboxStatus.Dead) }),
            new BsonDocument("$ne", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$last_error", "" }), OutboxCodes.PaidOrderUnknown }),
        });
        var at = new BsonDateTime(BsonTime.From(now));
        BsonDocument[] stages =
        [
            new("$set", new BsonDocument
            {
                ["key_generation"] = new BsonDocument("$add", new BsonArray
                {
                    new BsonDocument("$ifNull", new BsonArray { "$key_generation", 0 }),
                    new BsonDocument("$cond", new BsonArray { refused, 1, 0 }),
                }),
                ["status"] = OutboxCodes.StatusText(OutboxStatus.Pending),
                ["attempts"] = 0,
                ["next_attempt_at"] = at,
                ["updated_at"] = at,
            }),
            new("$unset", new BsonArray { "earn_event_id", "points", "result_status", "lease_owner", "lease_until" }),
        ];
        return Builders<OutboxDocument>.Update.Pipeline(new BsonDocumentStagePipelineDefinition<OutboxDocument, OutboxDocument>(stages));
    }

    /// <summary>
    /// A hold, decided on the stored row like SQLite's CASE: HELD until the hold's end if the row is still in the generation
    /// it was refused in; PENDING and due now if a release gave it a new one while RRR was asked. No attempt is counted.
    /// </summary>
    private static UpdateDefinition<OutboxDocument> Hold(OutboxCompletion completion, DateTimeOffset now)
    {
        var until = new BsonDateTime(BsonTime.From(completion.HeldUntil ?? throw new ArgumentException("A held completion needs the end of its hold.", nameof(completion))));
        var at = new BsonDateTime(BsonTime.From(now));
        var sameGeneration = new BsonDocument("$eq", new BsonArray
        {
            new BsonDocument("$ifNull", new BsonArray { "$key_generation", 0 }),
            completion.KeyGeneration,
        });
        BsonDocument[] stages =
        [
            new("$set", new BsonDocument
            {
                ["status"] = new BsonDocument("$cond", new BsonArray
                {
                    sameGeneration, OutboxCodes.StatusText(OutboxStatus.Held), OutboxCodes.StatusText(OutboxStatus.Pending),
                }),
                ["next_attempt_at"] = new BsonDocument("$cond", new BsonArray { sameGeneration, until, at }),
                ["held_until"] = until,
                ["last_error"] = completion.ErrorCode ?? RrrErrorCodes.NotLinked,
                ["updated_at"] = at,
            }),
            new("$unset", new BsonArray { "lease_owner", "lease_until" }),
        ];
        return Builders<OutboxDocument>.Update.Pipeline(new BsonDocumentStagePipelineDefinition<OutboxDocument, OutboxDocument>(stages));
    }

    /// <summary>A held order released because its buyer linked: due now, attempts reset, in a new key generation.</summary>
    public static UpdateDefinition<OutboxDocument> Release(DateTimeOffset now) =>
        Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Pending))
            .Set(d => d.Attempts, 0)
            .Inc(d => d.KeyGeneration, 1)
            .Set(d => d.NextAttemptAt, BsonTime.From(now))
            .Set(d => d.UpdatedAt, BsonTime.From(now))
            .Unset(d => d.LeaseOwner)
            .Unset(d => d.LeaseUntil);

    /// <summary>A hold past its end: a dead letter that says so (held_until is kept, so a refused retry dies at once).</summary>
    public static UpdateDefinition<OutboxDocument> Expire(DateTimeOffset now) =>
        Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Dead))
            .Set(d => d.LastError, OutboxCodes.HoldExpired)
            .Inc(d => d.Attempts, 1)
            .Set(d => d.UpdatedAt, BsonTime.From(now));

    /// <summary>A held paid order its refund overtook: closed, it never posts.</summary>
    public static UpdateDefinition<OutboxDocument> CancelHeld(DateTimeOffset now) =>
        Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Posted))
            .Set(d => d.ResultStatus, EarnPostResult.Cancelled)
            .Set(d => d.UpdatedAt, BsonTime.From(now))
            .Unset(d => d.EarnEventId)
            .Unset(d => d.Points)
            .Unset(d => d.LastError)
            .Unset(d => d.LeaseOwner)
            .Unset(d => d.LeaseUntil);

    /// <summary>A refund whose held paid order was released before the refund settled: round again, due now.</summary>
    public static UpdateDefinition<OutboxDocument> RefundAgain(DateTimeOffset now) =>
        Builders<OutboxDocument>.Update
            .Set(d => d.Status, OutboxCodes.StatusText(OutboxStatus.Pending))
            .Set(d => d.NextAttemptAt, BsonTime.From(now))
            .Set(d => d.LastError, "waiting_for_paid")
            .Set(d => d.UpdatedAt, BsonTime.From(now))
            .Unset(d => d.EarnEventId)
            .Unset(d => d.Points)
            .Unset(d => d.ResultStatus);

    /// <summary>
    /// An operator's retry: a release (new key generation, since RRR would replay its stored refusal for the old key)
    /// that also forgets the dead row's result.
    /// </summary>
    public static UpdateDefinition<OutboxDocument> Retry(DateTimeOffset now) =>
        Release(now)
            .Unset(d => d.EarnEventId)
            .Unset(d => d.Points)
            .Unset(d => d.ResultStatus);
}
