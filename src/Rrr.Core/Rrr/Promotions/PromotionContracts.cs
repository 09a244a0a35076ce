namespace Rrr.Core.Rrr.Promotions;

public enum PromotionKind
{
    Multiplier,
    BonusPoints,
}

public enum PromotionAudience
{
    AllMembers,
    NewMembers,
    Models,
}

public enum PromotionStatus
{
    Draft,
    PendingApproval,
    Active,
    Rejected,
    Ended,
}

/// <param name="Value">The multiplier (e.g. 2 or 1.5) or the bonus points, depending on <see cref="Kind"/>.</param>
public sealed record Promotion(
    string PromotionId,
    string Name,
    PromotionKind Kind,
    decimal Value,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    PromotionAudience Audience,
    long BudgetCapPoints,
    PromotionStatus Status,
    string CreatedBy,
    long Version,
    IReadOnlyList<PromotionApproval> Approvals,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One immutable decision, tied to the promotion version it was made on.</summary>
public sealed record PromotionApproval(
    string ApproverId,
    ApproverRole ApproverRole,
    ApprovalDecision Decision,
    string? Reason,
    DateTimeOffset DecidedAt,
    long PromotionVersion);

public sealed record CreatePromotionRequest(
    string Name,
    PromotionKind Kind,
    decimal Value,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    PromotionAudience Audience,
    long BudgetCapPoints,
    string CreatedBy);

/// <summary>A PATCH: only the members that are set are sent (nulls are left out), the rest stay as they are.</summary>
public sealed record UpdatePromotionRequest
{
    public string? Name { get; init; }

    public PromotionKind? Kind { get; init; }

    public decimal? Value { get; init; }

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public PromotionAudience? Audience { get; init; }

    public long? BudgetCapPoints { get; init; }
}

public sealed record SubmitPromotionRequest(string SubmittedBy);

public sealed record PromotionList(IReadOnlyList<Promotion> Items);
