namespace Rrr.Core.Features.Audit;

/// <summary>Paging limits both adapters enforce, so a query behaves the same on either store.</summary>
internal static class AuditQueryRules
{
    /// <summary>Caps one page so an admin screen cannot pull the whole trail into memory at once.</summary>
    public const int MaxTake = 1000;

    public static void Validate(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        PageRules.Validate(query.Skip, query.Take, MaxTake);
        if (query.CountUpTo is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(query.CountUpTo));
        }

        if (query.Before is not null && query.Skip != 0)
        {
            throw new ArgumentException("Page by cursor or by offset, not both.", nameof(query));
        }
    }

    /// <summary>
    /// The page an adapter answers with: <paramref name="counted"/> is its count (capped at one past
    /// <see cref="AuditQuery.CountUpTo"/>), which a capped query reports as the cap, flagged as a lower bound.
    /// </summary>
    public static AuditPage Page(IReadOnlyList<AuditEvent> items, long counted, AuditQuery query)
    {
        var total = query.CountTotal ? counted : AuditPage.NotCounted;
        var lowerBound = query.CountUpTo is { } cap && total > cap;
        return new AuditPage(items, lowerBound ? query.CountUpTo!.Value : total, lowerBound);
    }
}
