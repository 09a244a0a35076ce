namespace Rrr.Core.Features.Wallet;

/// <summary>RRR's ledger entry types grouped the way a member thinks of them; the history filter and its CSV speak these.</summary>
public enum HistoryKind
{
    /// <summary>Points earned on orders (posted or still pending).</summary>
    Earned,

    /// <summary>Points bought with a top-up.</summary>
    TopUps,

    /// <summary>Points used at checkout: held, released again, redeemed.</summary>
    Redeemed,

    /// <summary>Awards sent (models) or received (viewers).</summary>
    Awards,

    /// <summary>Customer-service credits and debits.</summary>
    Adjustments,

    /// <summary>Earn reversed (refund, chargeback) and points expired.</summary>
    Reversals,
}

/// <summary>The kind of each ledger entry type, and the codes the export's query string and CSV use for kinds and types.</summary>
public static class HistoryKinds
{
    public static readonly IReadOnlyList<HistoryKind> All = Enum.GetValues<HistoryKind>();

    private static readonly CodeTable<HistoryKind> Codes = new(
        "history kind",
        (HistoryKind.Earned, "earned"),
        (HistoryKind.TopUps, "topups"),
        (HistoryKind.Redeemed, "redeemed"),
        (HistoryKind.Awards, "awards"),
        (HistoryKind.Adjustments, "adjustments"),
        (HistoryKind.Reversals, "reversals"));

    private static readonly FrozenDictionary<string, HistoryKind> ByCode =
        All.ToFrozenDictionary(k => Codes.Text(k), k => k, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every entry type has exactly one kind (a test walks the enum, so a new RRR type cannot go unfiled).</summary>
    public static HistoryKind Of(LedgerEntryType type) => type switch
    {
        LedgerEntryType.Earn => HistoryKind.Earned,
        LedgerEntryType.Topup => HistoryKind.TopUps,
        LedgerEntryType.RedemptionHold or LedgerEntryType.RedemptionRelease or LedgerEntryType.RedemptionCommit => HistoryKind.Redeemed,
        LedgerEntryType.AwardDebit or LedgerEntryType.AwardCredit => HistoryKind.Awards,
        LedgerEntryType.Adjustment => HistoryKind.Adjustments,
        LedgerEntryType.EarnReversal or LedgerEntryType.Expiry => HistoryKind.Reversals,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No history kind for this ledger entry type."),
    };

    /// <summary>The lower-case code of a kind (<c>earned</c>, <c>topups</c>, ...).</summary>
    public static string Code(HistoryKind kind) => Codes.Text(kind);

    public static bool TryParse(string? code, out HistoryKind kind) => ByCode.TryGetValue(code?.Trim() ?? "", out kind);

    /// <summary>RRR's own name of an entry type, as on its wire (<c>EARN</c>, <c>REDEMPTION_COMMIT</c>), for matching with RRR support.</summary>
    public static string WireName(LedgerEntryType type) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(type.ToString());

    /// <summary>RRR's name of an entry status (<c>POSTED</c>, <c>PENDING</c>).</summary>
    public static string WireName(LedgerEntryStatus status) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());
}

/// <summary>
/// Which of the member's ledger entries to show: some kinds (none = every kind) within whole UTC days, both ends
/// inclusive ("to 2026-03-10" includes that day). RRR filters nothing, so the portal applies it while walking
/// RRR's pages newest first (<see cref="HistoryWalk"/>). The portal knows no member time zone: days are UTC days.
/// </summary>
public sealed record HistoryFilter
{
    public const string FromField = "from";
    public const string ToField = "to";
    public const string KindField = "kind";

    public static readonly HistoryFilter Everything = new();

    public HistoryFilter(IEnumerable<HistoryKind>? kinds = null, DateOnly? from = null, DateOnly? to = null)
    {
        Kinds = kinds is null ? [] : [.. kinds.Distinct().Order()];
        From = from;
        To = to;
    }

    /// <summary>The kinds to keep, in enum order; empty keeps every kind.</summary>
    public IReadOnlyList<HistoryKind> Kinds { get; }

    public DateOnly? From { get; }

    public DateOnly? To { get; }

    public bool IsEverything => Kinds.Count == 0 && From is null && To is null;

    /// <summary>The first instant kept (midnight UTC of <see cref="From"/>); entries before it end the walk.</summary>
    public DateTimeOffset? Start => From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    /// <summary>The first instant no longer kept (midnight UTC after <see cref="To"/>).</summary>
    public DateTimeOffset? End => To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    public bool KeepsKind(LedgerEntryType type) => Kinds.Count == 0 || Kinds.Contains(HistoryKinds.Of(type));

    /// <summary>
    /// What is wrong with the dates, per field (<see cref="FromField"/>, <see cref="ToField"/>); empty when nothing is.
    /// Neither end may lie after <paramref name="today"/> (UTC), and the range may not end before it starts.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Problems(DateOnly today)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (FromProblem(From, today) is { } from)
        {
            problems[FromField] = [from];
        }

        if (ToProblem(From, To, today) is { } to)
        {
            problems[ToField] = [to];
        }

        return problems;
    }

    /// <summary>The "from" field's message (the export's problem details), or null.</summary>
    public static string? FromProblem(DateOnly? from, DateOnly today) => Words(FromIssue(from, today));

    /// <summary>The "to" field's message, or null.</summary>
    public static string? ToProblem(DateOnly? from, DateOnly? to, DateOnly today) => Words(ToIssue(from, to, today));

    /// <summary>What is wrong with "from", or null (shared with the filter bar, which words it in the member's language under the field).</summary>
    public static HistoryDateIssue? FromIssue(DateOnly? from, DateOnly today) =>
        from > today ? HistoryDateIssue.FromInFuture : null;

    /// <summary>What is wrong with "to", or null.</summary>
    public static HistoryDateIssue? ToIssue(DateOnly? from, DateOnly? to, DateOnly today) =>
        to > today ? HistoryDateIssue.ToInFuture
        : to < from ? HistoryDateIssue.ToBeforeFrom
        : null;

    private static string? Words(HistoryDateIssue? issue) => issue switch
    {
        HistoryDateIssue.FromInFuture => "From cannot be in the future.",
        HistoryDateIssue.ToInFuture => "To cannot be in the future.",
        HistoryDateIssue.ToBeforeFrom => "To must be on or after From.",
        _ => null,
    };

    public bool Equals(HistoryFilter? other) =>
        other is not null && From == other.From && To == other.To && Kinds.SequenceEqual(other.Kinds);

    public override int GetHashCode() => HashCode.Combine(From, To, Kinds.Count == 0 ? -1 : (int)Kinds[0], Kinds.Count);
}

/// <summary>A broken rule of the history filter's dates (see <see cref="HistoryFilter.Problems"/>).</summary>
public enum HistoryDateIssue
{
    FromInFuture,
    ToInFuture,
    ToBeforeFrom,
}
