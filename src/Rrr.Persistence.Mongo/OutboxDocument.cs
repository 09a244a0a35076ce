using System.Globalization;

namespace Rrr.Persistence.Mongo;

internal sealed class OutboxKeyDocument
{
    public string OrderNumber { get; set; } = "";

    public string Kind { get; set; } = "";

    [BsonIgnore]
    public string Text => Kind + "|" + OrderNumber;

    public static OutboxKeyDocument From(OutboxKey key) => new() { OrderNumber = key.OrderNumber, Kind = OutboxCodes.KindText(key.Kind) };
}

[OmitNullFields]
internal sealed class OutboxDocument
{
    public OutboxKeyDocument Id { get; set; } = new();

    public string XcnUserId { get; set; } = "";

    public string Product { get; set; } = "";

    /// <summary>A decimal string, as on the wire, so no side rounds it through a double.</summary>
    public string? Amount { get; set; }

    public string? Currency { get; set; }

    public DateTime OccurredAt { get; set; }

    public DateTime AcceptedAt { get; set; }

    public string Status { get; set; } = "";

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public string? EarnEventId { get; set; }

    public long? Points { get; set; }

    public string? ResultStatus { get; set; }

    public string? LastError { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Absent on documents from before key generations, which reads as 0: their keys are unchanged.</summary>
    [BsonIgnoreIfDefault]
    public int KeyGeneration { get; set; }

    /// <summary>A paid membership's plan and the tier it was mapped to; absent on tokens, refunds and older documents.</summary>
    public string? MembershipPlan { get; set; }

    public string? Tier { get; set; }

    /// <summary>Set from RRR's first not_linked on; absent on every row that was never held.</summary>
    public DateTime? HeldUntil { get; set; }

    public static OutboxDocument From(EarnOrder order) => new()
    {
        Id = OutboxKeyDocument.From(order.Key),
        XcnUserId = order.XcnUserId,
        Product = OutboxCodes.ProductText(order.Product),
        Amount = order.Amount?.Amount.ToString(CultureInfo.InvariantCulture),
        Currency = order.Amount?.Currency,
        OccurredAt = BsonTime.From(order.OccurredAt),
        AcceptedAt = BsonTime.From(order.AcceptedAt),
        Status = OutboxCodes.StatusText(OutboxStatus.Pending),
        NextAttemptAt = BsonTime.From(order.AcceptedAt),
        UpdatedAt = BsonTime.From(order.AcceptedAt),
        MembershipPlan = order.MembershipPlan,
        Tier = order.Tier,
    };

    public OutboxRow ToRow() => new(
        new EarnOrder(
            Id.OrderNumber,
            OutboxCodes.ParseKind(Id.Kind),
            XcnUserId,
            OutboxCodes.ParseProduct(Product),
            Amount is null ? null : new Money(decimal.Parse(Amount, NumberStyles.Number, CultureInfo.InvariantCulture), Currency ?? ""),
            BsonTime.Utc(OccurredAt),
            BsonTime.Utc(AcceptedAt),
            MembershipPlan,
            Tier),
        OutboxCodes.ParseStatus(Status),
        Attempts,
        BsonTime.Utc(NextAttemptAt),
        LeaseOwner,
        BsonTime.Utc(LeaseUntil),
        ResultStatus is null ? null : new EarnPostResult(EarnEventId, Points, ResultStatus),
        LastError,
        BsonTime.Utc(UpdatedAt),
        KeyGeneration,
        BsonTime.Utc(HeldUntil));
}
