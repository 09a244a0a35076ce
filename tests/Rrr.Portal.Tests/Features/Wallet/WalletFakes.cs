using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Rrr.Core.Features.Members;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Wallet;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Features.Wallet;

/// <summary>RRR's links API as far as member features read it; <see cref="Down"/> simulates an outage.</summary>
public sealed class FakeLinksApi : IRrrLinksApi
{
    public ConcurrentDictionary<string, LinkState> Links { get; } = new();

    public ConcurrentQueue<string> Asked { get; } = new();

    public bool Down { get; set; }

    public static LinkState Linked(string xcnUserId, string rrrMemberId, long version = 1) =>
        new(xcnUserId, LinkStatus.Linked, "lnk_" + xcnUserId, rrrMemberId, LinkType.Account,
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), version);

    public static LinkState NotLinked(string xcnUserId, long version = 0) => new(xcnUserId, LinkStatus.NotLinked, null, null, null, null, version);

    /// <summary>Awaited inside every link read before it answers (to hold reads in flight).</summary>
    public Func<CancellationToken, Task>? InFlight { get; set; }

    public async Task<LinkState> GetAsync(string xcnUserId, CancellationToken cancellationToken = default)
    {
        Asked.Enqueue(xcnUserId);
        if (InFlight is { } inFlight)
        {
            await inFlight(cancellationToken);
        }

        if (Down)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrLinksApi.GetAsync", null, retryAfter: TimeSpan.FromSeconds(5));
        }

        return Links.TryGetValue(xcnUserId, out var state) ? state : NotLinked(xcnUserId);
    }

    public Task<LinkIntent> CreateIntentAsync(CreateLinkIntentRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<ConfirmedLink> ConfirmAsync(ConfirmLinkRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<RevokedLink> RevokeAsync(string linkId, RevokeLinkRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}

/// <summary>RRR's wallet API backed by a dictionary; <see cref="Gate"/> holds answers back to observe loading states.</summary>
public sealed class FakeWalletApi : IRrrWalletApi
{
    public ConcurrentDictionary<string, MemberWallet> Wallets { get; } = new();

    public ConcurrentDictionary<string, List<LedgerEntry>> Ledgers { get; } = new();

    public ConcurrentQueue<string> Asked { get; } = new();

    public bool Down { get; set; }

    public TaskCompletionSource? Gate { get; set; }

    public static MemberWallet Wallet(string rrrMemberId, long available, long version, DateTimeOffset asOf, long pending = 0, long escrow = 0,
        params ExpiringPoints[] expiring) => new(rrrMemberId, available, pending, escrow, expiring, asOf, version);

    public async Task<MemberWallet> GetWalletAsync(string rrrMemberId, CancellationToken cancellationToken = default)
    {
        Asked.Enqueue(rrrMemberId);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Down)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrWalletApi.GetWalletAsync", null);
        }

        return Wallets.TryGetValue(rrrMemberId, out var wallet)
            ? wallet
            : throw new InvalidOperationException($"No wallet for {rrrMemberId} in the fake.");
    }

    /// <summary>Transaction pages answered before RRR goes down (an outage in the middle of a long read); null: no such outage.</summary>
    public int? TransactionPagesBeforeDown { get; set; }

    public Task<LedgerPage> GetTransactionsAsync(string rrrMemberId, string? cursor = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        Asked.Enqueue("tx:" + rrrMemberId);
        if (Down || TransactionPagesBeforeDown-- <= 0)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrWalletApi.GetTransactionsAsync", null);
        }

        var all = Ledgers.TryGetValue(rrrMemberId, out var entries) ? entries : [];
        var start = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        var size = limit ?? 20;
        var page = all.Skip(start).Take(size).ToList();
        var next = start + size < all.Count ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new LedgerPage(page, next));
    }
}

/// <summary>A fixed signed-in XCN user for service tests (the portal's own reads the <c>sub</c> claim).</summary>
public sealed class FixedIdentity(string? xcnUserId) : IMemberIdentity
{
    public string? XcnUserId { get; set; } = xcnUserId;

    public Task<string?> GetXcnUserIdAsync(CancellationToken cancellationToken) => Task.FromResult(XcnUserId);
}

/// <summary>A SQLite store in its own temporary folder, deleted on dispose.</summary>
public sealed class TempSqliteStore : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-wallet-tests", Guid.NewGuid().ToString("N"));

    public TempSqliteStore()
    {
        Store = SqlitePorts.Open(root, "portal.db");
        Store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public SqlitePorts Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
