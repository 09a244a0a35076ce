namespace Rrr.Core.Features;

/// <summary>The offset-page limits every store query shares, so each store refuses the same pages the same way.</summary>
internal static class PageRules
{
    // The exceptions name the query records' members (Skip, Take), which is what callers and tests read.
    public static void Validate(int skip, int take, int maxTake)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip, "Skip");
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1, "Take");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, maxTake, "Take");
    }
}
