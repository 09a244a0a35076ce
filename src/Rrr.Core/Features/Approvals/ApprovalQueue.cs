namespace Rrr.Core.Features.Approvals;

/// <summary>
/// A position in the approvals queue: the last request of the previous page. Keyset paging on
/// (created_at, id) costs the same on page 1 and page 400, and a request decided meanwhile never shifts
/// the next page the way an offset would.
/// </summary>
public sealed record ApprovalQueueCursor(DateTimeOffset CreatedAt, string Id)
{
    /// <summary>URL-safe text form: unix milliseconds, a dot, the request id.</summary>
    public string Encode() => string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.ToUnixTimeMilliseconds()}.{Id}");

    public static bool TryParse(string? text, out ApprovalQueueCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        cursor = new ApprovalQueueCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), text[(dot + 1)..]);
        return true;
    }
}

/// <summary>
/// Requests still waiting for XCN approvals as of <paramref name="Now"/> (pending and not expired), oldest first,
/// optionally of one <paramref name="Kind"/>, after <paramref name="After"/>.
/// </summary>
public sealed record ApprovalQueueQuery(DateTimeOffset Now, string? Kind = null, ApprovalQueueCursor? After = null, int Take = 25)
{
    /// <summary>One page at most; stores are asked for one more to learn whether a next page exists.</summary>
    public const int MaxTake = 100;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Take, 1, nameof(Take));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Take, MaxTake + 1, nameof(Take));
    }
}

/// <summary>One page of the queue; <see cref="Next"/> is null on the last page.</summary>
public sealed record ApprovalQueuePage(IReadOnlyList<ApprovalView> Items, ApprovalQueueCursor? Next);
