namespace Rrr.Core.Features.Links;

/// <summary>The last link state RRR gave for one XCN user (<c>link_snapshots</c>): the RRR answer as JSON, and when.</summary>
public sealed record LinkSnapshot(string XcnUserId, string LinkJson, long Version, DateTimeOffset FetchedAt);

public enum SnapshotSaveResult
{
    Saved,

    /// <summary>The store already holds a newer version (or the same version fetched later); nothing changed.</summary>
    Stale,
}

/// <summary>
/// Cache of RRR's link answers per XCN user. A save replaces the row only when its version is newer, or
/// the same version fetched later, so two racing reads never put an older answer over a newer one.
/// </summary>
public interface ILinkSnapshotStore
{
    Task<LinkSnapshot?> GetLinkSnapshotAsync(string xcnUserId, CancellationToken cancellationToken);

    Task<SnapshotSaveResult> SaveLinkSnapshotAsync(LinkSnapshot snapshot, CancellationToken cancellationToken);
}

/// <summary>
/// Link state as the member sees it: RRR's answer plus when RRR said so. <see cref="Status"/> is null when
/// RRR could not be asked and nothing was cached yet.
/// </summary>
public sealed record LinkView(
    string XcnUserId,
    LinkStatus? Status,
    string? RrrMemberId,
    string? LinkId,
    DateTimeOffset? LinkedAt,
    long Version,
    DateTimeOffset? FetchedAt,
    bool IsStale)
{
    public bool IsLinked => Status == LinkStatus.Linked && !string.IsNullOrEmpty(RrrMemberId);

    public static LinkView Unknown(string xcnUserId) => new(xcnUserId, null, null, null, null, 0, null, IsStale: true);

    public static LinkView From(LinkState state, DateTimeOffset fetchedAt, bool isStale)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(state.XcnUserId, state.Status, state.RrrMemberId, state.LinkId, state.LinkedAt, state.Version, fetchedAt, isStale);
    }
}
