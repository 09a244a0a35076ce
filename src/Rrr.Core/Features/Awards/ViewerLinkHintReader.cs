namespace Rrr.Core.Features.Awards;

/// <summary>
/// The "linked / not linked" hint beside each viewer of a live room. RRR has no batch read of links
/// (<c>GET /v1/links</c> takes one XCN user), so the first <see cref="MaxViewerHints"/> distinct viewers are
/// asked at most <see cref="MaxConcurrentLookups"/> at a time, and their answers are reused through
/// <see cref="ViewerLinkHintCache"/>. The rest show as unknown rather than keep the model waiting.
/// </summary>
public sealed class ViewerLinkHintReader(IRrrLinksApi links, ViewerLinkHintCache cache)
{
    public const int MaxViewerHints = 50;

    /// <summary>Enough to fill a room quickly without one model's room taking a large share of RRR's rate limit.</summary>
    public const int MaxConcurrentLookups = 8;

    /// <summary>One hint per viewer, in the viewers' order.</summary>
    public async Task<IReadOnlyList<ViewerLinkHint>> GetAsync(IReadOnlyList<RoomViewer> viewers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewers);
        var known = new Dictionary<string, ViewerLinkHint>(StringComparer.Ordinal);
        var toAsk = new List<string>();
        foreach (var id in viewers.Take(MaxViewerHints).Select(v => v.XcnUserId).Distinct(StringComparer.Ordinal))
        {
            if (cache.TryGet(id, out var hint))
            {
                known[id] = hint;
            }
            else
            {
                toAsk.Add(id);
            }
        }

        var asked = new ViewerLinkHint[toAsk.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, toAsk.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentLookups, CancellationToken = cancellationToken },
            async (i, ct) => asked[i] = await AskAsync(toAsk[i], ct));
        for (var i = 0; i < toAsk.Count; i++)
        {
            known[toAsk[i]] = asked[i];
        }

        return viewers.Select((v, i) => i < MaxViewerHints ? known[v.XcnUserId] : ViewerLinkHint.Unknown).ToList();
    }

    private async Task<ViewerLinkHint> AskAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        var stamp = cache.Stamp;
        ViewerLinkHint hint;
        try
        {
            var state = await links.GetAsync(xcnUserId, cancellationToken);
            hint = state.Status == LinkStatus.Linked ? ViewerLinkHint.Linked : ViewerLinkHint.NotLinked;
        }
        catch (RrrException)
        {
            return ViewerLinkHint.Unknown;
        }

        cache.Set(xcnUserId, hint, stamp);
        return hint;
    }
}
