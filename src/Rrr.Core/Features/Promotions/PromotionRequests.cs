using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Promotions;

/// <summary>RRR's promotion rule (docs/rrr-wire.md, Promotions), recorded on each local approval round.</summary>
public static class PromotionPolicy
{
    public const string Kind = "promotion";

    public const int RequiredXcnApprovers = 2;

    /// <summary>2 distinct XCN admins (the maker excluded) + 1 RRR admin turn a submitted promotion ACTIVE.</summary>
    public static ApprovalPolicy Policy { get; } = new(RequiredXcnApprovers, RequiresRrrAdmin: true);
}

/// <summary>
/// What an admin fills in; a mutable model so a form can bind to it and keep every typed value when a rule
/// refuses it. Times are UTC wall-clock times (the form says so), turned into <see cref="DateTimeOffset"/> at +00:00.
/// </summary>
public sealed class PromotionForm
{
    public string Name { get; set; } = "";

    public PromotionKind? Kind { get; set; }

    /// <summary>The multiplier (e.g. 1.5) or the bonus points, depending on <see cref="Kind"/>.</summary>
    public decimal? Value { get; set; }

    public DateTime? StartsAtUtc { get; set; }

    public DateTime? EndsAtUtc { get; set; }

    public PromotionAudience? Audience { get; set; }

    public long? BudgetCapPoints { get; set; }

    public static DateTimeOffset? AsUtc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Unspecified), TimeSpan.Zero) : null;

    public static PromotionForm From(Promotion promotion)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        return new()
        {
            Name = promotion.Name,
            Kind = promotion.Kind,
            Value = promotion.Value,
            StartsAtUtc = promotion.StartsAt.UtcDateTime,
            EndsAtUtc = promotion.EndsAt.UtcDateTime,
            Audience = promotion.Audience,
            BudgetCapPoints = promotion.BudgetCapPoints,
        };
    }
}

/// <summary>
/// The portal's rules for a promotion, stricter than RRR's (which only needs positive values and an order of
/// dates), so an admin hears about a mistake on the field before anything reaches RRR.
/// </summary>
public sealed class PromotionFormValidator : AbstractValidator<PromotionForm>
{
    public const decimal MaxMultiplier = 10m;
    public const long MaxBonusPoints = 100_000;
    public const long MaxBudgetCapPoints = 10_000_000;
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(365);

    /// <summary>A start typed a minute ago is still "now": the form has no seconds, and the admin needs time to click.</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(5);

    public PromotionFormValidator(TimeProvider time, IStringLocalizer<PromotionFormText> text)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(text);

        // Messages are looked up when a rule fails, so each reads in the language of the admin who typed the value.
        static string N(decimal n) => n.ToString("N0", CultureInfo.CurrentCulture);

        // One message per field at a time: the first rule that fails is the one to fix.
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(f => f.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => text["NameRequired"])
            .Must(n => n is null || n.Trim().Length is >= 3 and <= 80).WithMessage(_ => text["NameLength"]);
        RuleFor(f => f.Kind).NotNull().WithMessage(_ => text["KindRequired"]).IsInEnum();
        RuleFor(f => f.Value).NotNull().WithMessage(_ => text["ValueRequired"]);
        When(f => f.Kind == PromotionKind.Multiplier && f.Value is not null, () =>
            RuleFor(f => f.Value!.Value)
                .Must(v => v > 1m && v <= MaxMultiplier).WithMessage(_ => text["MultiplierRange"])
                .Must(v => decimal.Round(v, 2) == v).WithMessage(_ => text["MultiplierDecimals"])
                .OverridePropertyName(nameof(PromotionForm.Value)));
        When(f => f.Kind == PromotionKind.BonusPoints && f.Value is not null, () =>
            RuleFor(f => f.Value!.Value)
                .Must(v => decimal.Truncate(v) == v).WithMessage(_ => text["BonusWhole"])
                .InclusiveBetween(1m, MaxBonusPoints).WithMessage(_ => text["BonusRange", N(MaxBonusPoints)])
                .OverridePropertyName(nameof(PromotionForm.Value)));
        RuleFor(f => f.StartsAtUtc).NotNull().WithMessage(_ => text["StartRequired"])
            .Must(s => PromotionForm.AsUtc(s) >= time.GetUtcNow() - StartGrace).WithMessage(_ => text["StartPast"]);
        RuleFor(f => f.EndsAtUtc).NotNull().WithMessage(_ => text["EndRequired"])
            .Must((f, e) => f.StartsAtUtc is null || e > f.StartsAtUtc).WithMessage(_ => text["EndAfterStart"])
            .Must(e => PromotionForm.AsUtc(e) <= time.GetUtcNow() + MaxAhead).WithMessage(_ => text["EndWithin", N((decimal)MaxAhead.TotalDays)]);
        RuleFor(f => f.Audience).NotNull().WithMessage(_ => text["AudienceRequired"]).IsInEnum();
        RuleFor(f => f.BudgetCapPoints).NotNull().WithMessage(_ => text["BudgetRequired"])
            .InclusiveBetween(1, MaxBudgetCapPoints).WithMessage(_ => text["BudgetRange", N(MaxBudgetCapPoints)]);
    }

    /// <summary>The messages for one field, for a form that validates field by field.</summary>
    public async Task<IReadOnlyList<string>> MessagesForAsync(PromotionForm form, string propertyName, CancellationToken cancellationToken = default)
    {
        var result = await ValidateAsync(
            ValidationContext<PromotionForm>.CreateWithOptions(form, o => o.IncludeProperties(propertyName)), cancellationToken);
        return result.Errors.Select(e => e.ErrorMessage).ToList();
    }

    public IReadOnlyList<string> MessagesFor(PromotionForm form, string propertyName) =>
        Validate(ValidationContext<PromotionForm>.CreateWithOptions(form, o => o.IncludeProperties(propertyName)))
            .Errors.Select(e => e.ErrorMessage).ToList();
}

/// <summary>
/// What one local approval round vouches for: the promotion as submitted. <see cref="SubmittedVersion"/> is RRR's
/// version after the submit; it names the round in the decision keys, so a retried decision replays at RRR.
/// </summary>
public sealed record PromotionRoundPayload(
    [property: JsonPropertyName("promotion_id")] string PromotionId,
    [property: JsonPropertyName("submitted_version")] long SubmittedVersion,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] PromotionKind Kind,
    [property: JsonPropertyName("value")] decimal Value,
    [property: JsonPropertyName("starts_at")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("ends_at")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("audience")] PromotionAudience Audience,
    [property: JsonPropertyName("budget_cap_points")] long BudgetCapPoints)
{
    public static PromotionRoundPayload From(Promotion p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.PromotionId, p.Version, p.Name, p.Kind, p.Value, p.StartsAt, p.EndsAt, p.Audience, p.BudgetCapPoints);
    }

    public string ToJson() => ApprovalPayloadJson.Serialize(this);

    public static PromotionRoundPayload FromJson(string json) => ApprovalPayloadJson.Deserialize<PromotionRoundPayload>(json, PromotionPolicy.Kind);
}

/// <summary>Refused before or after the engine: who may act, the promotion's state at RRR, and RRR's own refusals.</summary>
public sealed class PromotionRefusedException(string code, string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null)
    : RefusedException(code, message, fieldErrors)
{
    public const string NotAdmin = "not_admin";
    public const string Invalid = "invalid";
    public const string NotMaker = "not_maker";
    public const string WrongState = "wrong_state";
    public const string Stale = "stale";
    public const string MakerCannotApprove = "approval_not_allowed";
    public const string AlreadyDecided = "already_decided";
    public const string RrrRefused = "rrr_refused";
    public const string RrrUnavailable = RrrResult.UnavailableCode;

    /// <summary>The round no longer matches its keyed approval chain records; nothing goes to RRR.</summary>
    public const string ChainBroken = "chain_broken";
}

/// <summary>Where a promotion stands toward 2 distinct XCN admins + 1 RRR admin, from RRR's current round.</summary>
public sealed record PromotionProgress(IReadOnlyList<PromotionApproval> XcnApprovals, IReadOnlyList<PromotionApproval> RrrApprovals, PromotionApproval? Rejection)
{
    public static PromotionProgress From(Promotion promotion)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        static List<PromotionApproval> Approvers(IEnumerable<PromotionApproval> all, ApproverRole role) => all
            .Where(a => a.Decision == ApprovalDecision.Approve && a.ApproverRole == role)
            .DistinctBy(a => a.ApproverId, StringComparer.Ordinal)
            .ToList();

        return new(
            Approvers(promotion.Approvals, ApproverRole.XcnAdmin),
            Approvers(promotion.Approvals, ApproverRole.RrrAdmin),
            promotion.Approvals.LastOrDefault(a => a.Decision == ApprovalDecision.Reject));
    }

    /// <summary>"XCN 1/2 · RRR 0/1".</summary>
    public string Text => string.Create(
        CultureInfo.InvariantCulture,
        $"XCN {Math.Min(XcnApprovals.Count, PromotionPolicy.RequiredXcnApprovers)}/{PromotionPolicy.RequiredXcnApprovers} · RRR {Math.Min(RrrApprovals.Count, 1)}/1");
}

/// <summary>A promotion as the detail page shows it: RRR's record and the portal's approval rounds (newest first).</summary>
public sealed record PromotionDetail(Promotion Promotion, IReadOnlyList<ApprovalView> Rounds)
{
    public PromotionProgress Progress { get; } = PromotionProgress.From(Promotion);

    /// <summary>The round RRR's current PENDING_APPROVAL belongs to, when there is one.</summary>
    public ApprovalView? CurrentRound => Promotion.Status == PromotionStatus.PendingApproval ? (Rounds.Count > 0 ? Rounds[0] : null) : null;

    /// <summary>XCN admins whose decision in the current round is recorded here but not shown by RRR yet (a forward that failed).</summary>
    public IReadOnlyList<string> NotYetAtRrr => CurrentRound is null
        ? []
        : CurrentRound.Records
            .Where(r => r.Action is ApprovalAction.Approved or ApprovalAction.Rejected)
            .Select(r => r.ActorId)
            .Distinct(StringComparer.Ordinal)
            .Where(id => !Promotion.Approvals.Any(a => string.Equals(a.ApproverId, id, StringComparison.Ordinal)))
            .ToList();
}

/// <summary>The wire spelling of a status, for chips, filters and stored outcomes (the words people read are the portal's resources).</summary>
public static class PromotionStatusText
{
    public static string Code(PromotionStatus status) => status switch
    {
        PromotionStatus.Draft => "DRAFT",
        PromotionStatus.PendingApproval => "PENDING_APPROVAL",
        PromotionStatus.Active => "ACTIVE",
        PromotionStatus.Rejected => "REJECTED",
        _ => "ENDED",
    };
}
