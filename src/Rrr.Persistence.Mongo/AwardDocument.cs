namespace Rrr.Persistence.Mongo;

internal sealed class AwardKeyDocument
{
    public string Model { get; set; } = "";

    public string ClientAwardId { get; set; } = "";
}

internal sealed class AwardDocument
{
    public AwardKeyDocument Id { get; set; } = new();

    public string ModelMemberId { get; set; } = "";

    public string ViewerXcnUserId { get; set; } = "";

    public long Points { get; set; }

    public string RoomId { get; set; } = "";

    public string StreamId { get; set; } = "";

    public string Status { get; set; } = "";

    public string? AwardIntentId { get; set; }

    public string? AwardId { get; set; }

    public string? FailureCode { get; set; }

    public string? TraceId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? CommittedAt { get; set; }

    public static AwardDocument From(AwardRecord r) => new()
    {
        Id = new AwardKeyDocument { Model = r.ModelXcnUserId, ClientAwardId = r.ClientAwardId },
        ModelMemberId = r.ModelMemberId,
        ViewerXcnUserId = r.ViewerXcnUserId,
        Points = r.Points,
        RoomId = r.RoomId,
        StreamId = r.StreamId,
        Status = AwardStatusText.Of(r.Status),
        AwardIntentId = r.AwardIntentId,
        AwardId = r.AwardId,
        FailureCode = r.FailureCode,
        TraceId = r.TraceId,
        CreatedAt = BsonTime.From(r.CreatedAt),
        UpdatedAt = BsonTime.From(r.UpdatedAt),
        CommittedAt = r.CommittedAt is { } c ? BsonTime.From(c) : null,
    };

    public AwardRecord ToRecord() => new(
        Id.Model, Id.ClientAwardId, ModelMemberId, ViewerXcnUserId, Points, RoomId, StreamId, AwardStatusText.Parse(Status),
        AwardIntentId, AwardId, FailureCode, TraceId, BsonTime.Utc(CreatedAt), BsonTime.Utc(UpdatedAt), BsonTime.Utc(CommittedAt));
}
