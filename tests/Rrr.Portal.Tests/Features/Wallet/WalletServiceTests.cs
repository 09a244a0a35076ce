using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

public sealed class WalletServiceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeLinksApi links = new();
    private readonly FakeWalletApi wallets = new();
    private readonly FixedIdentity identity = new("xcn_u_1001");

    public WalletServiceTests()
    {
        links.Links["xcn_u_1001"] = FakeLinksApi.Linked("xcn_u_1001", "rrr_m_1001");
        links.Links["xcn_u_1003"] = FakeLinksApi.Linked("xcn_u_1003", "rrr_m_1003");
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1250, 7, T0, pending: 40);
        wallets.Wallets["rrr_m_1003"] = FakeWalletApi.Wallet("rrr_m_1003", 80, 3, T0);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WalletService NewService()
    {
        var linkService = new LinkStatusService(identity, links, db.Store.Links, time, NullLogger<LinkStatusService>.Instance);
        return new WalletService(new CurrentMemberService(identity, linkService), wallets, db.Store.Wallets, time, NullLogger<WalletService>.Instance);
    }

    [Fact]
    public async Task Get_WhenRrrAnswers_IsLive_AndCachesTheAnswer()
    {
        var view = await NewService().GetAsync(refreshLink: false, Ct).Ok();

        Assert.Equal(WalletAvailability.Live, view.Availability);
        Assert.Equal(1250, view.Wallet!.AvailablePoints);
        Assert.Equal(T0, view.FetchedAt);
        var cached = await db.Store.Wallets.GetWalletSnapshotAsync("rrr_m_1001", Ct);
        Assert.NotNull(cached);
        Assert.Equal(7, cached.Version);
        Assert.Contains("\"available_points\":1250", cached.WalletJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WhenRrrIsDown_ReturnsTheLastKnownWallet_MarkedStale_WithItsFetchTime()
    {
        await NewService().GetAsync(refreshLink: false, Ct).Ok();
        time.Advance(TimeSpan.FromMinutes(7));
        links.Down = true;
        wallets.Down = true;

        var view = await NewService().GetAsync(refreshLink: true, Ct).Ok();

        Assert.Equal(WalletAvailability.Stale, view.Availability);
        Assert.True(view.RrrUnavailable);
        Assert.Equal(1250, view.Wallet!.AvailablePoints);
        Assert.Equal(T0, view.FetchedAt);
        Assert.Equal(TimeSpan.FromMinutes(7), time.GetUtcNow() - view.FetchedAt!.Value);
        Assert.True(view.Link.IsStale);
        Assert.Equal("rrr_m_1001", view.Link.RrrMemberId);
    }

    [Fact]
    public async Task Get_WhenOnlyTheWalletCallFails_UsesTheCache_AndPassesRetryAfterOn()
    {
        await NewService().GetAsync(refreshLink: false, Ct).Ok();
        wallets.Down = true;

        var view = await NewService().GetAsync(refreshLink: true, Ct).Ok();

        Assert.Equal(WalletAvailability.Stale, view.Availability);
        Assert.False(view.Link.IsStale);
        Assert.Equal(1250, view.Wallet!.AvailablePoints);
    }

    [Fact]
    public async Task Get_WhenRrrIsDown_AndNothingWasCached_SaysNoDataYet()
    {
        links.Down = true;

        var view = await NewService().GetAsync(refreshLink: false, Ct).Ok();

        Assert.Equal(WalletAvailability.NoDataYet, view.Availability);
        Assert.Null(view.Wallet);
        Assert.Null(view.Link.Status);
        Assert.Empty(wallets.Asked);
    }

    [Fact]
    public async Task Get_ForAnUnlinkedMember_IsNotLinked_AndNeverAsksForAWallet()
    {
        identity.XcnUserId = "xcn_u_1002";

        var view = await NewService().GetAsync(refreshLink: false, Ct).Ok();

        Assert.Equal(WalletAvailability.NotLinked, view.Availability);
        Assert.Empty(wallets.Asked);
    }

    [Fact]
    public async Task Get_WhenRrrAnswersAnOlderVersionThanCached_KeepsAndShowsTheNewer()
    {
        await NewService().GetAsync(refreshLink: false, Ct).Ok(); // version 7 cached
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 999, 6, T0.AddSeconds(-5));
        time.Advance(TimeSpan.FromSeconds(30));

        var view = await NewService().GetAsync(refreshLink: false, Ct).Ok();

        Assert.Equal(1250, view.Wallet!.AvailablePoints);
        Assert.Equal(7, view.Wallet.Version);
        Assert.Equal(7, (await db.Store.Wallets.GetWalletSnapshotAsync("rrr_m_1001", Ct))!.Version);
    }

    [Fact]
    public async Task Get_ANewerVersion_ReplacesTheCache()
    {
        await NewService().GetAsync(refreshLink: false, Ct).Ok();
        wallets.Wallets["rrr_m_1001"] = FakeWalletApi.Wallet("rrr_m_1001", 1370, 8, T0.AddMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));

        var view = await NewService().GetAsync(refreshLink: false, Ct).Ok();

        Assert.Equal(1370, view.Wallet!.AvailablePoints);
        var cached = await db.Store.Wallets.GetWalletSnapshotAsync("rrr_m_1001", Ct);
        Assert.Equal((8L, T0.AddMinutes(1)), (cached!.Version, cached.FetchedAt));
    }

    [Fact]
    public async Task Get_ReadsOnlyTheSignedInMembersWallet()
    {
        identity.XcnUserId = "xcn_u_1003";

        var view = await NewService().GetAsync(refreshLink: false, Ct).Ok();

        Assert.Equal(80, view.Wallet!.AvailablePoints);
        Assert.Equal(["rrr_m_1003"], wallets.Asked);
        Assert.Equal(["xcn_u_1003"], links.Asked);
    }

    [Fact]
    public async Task Get_WithoutASignedInIdentity_IsRefusedAsNotSignedIn()
    {
        identity.XcnUserId = null;

        // Was Assert.ThrowsAsync<MemberIdentityMissingException>: the same refusal, now as a result.
        Assert.True((await NewService().GetAsync(refreshLink: false, Ct)).Is(RrrResult.NotSignedIn));
        Assert.Empty(links.Asked);
    }

    [Fact]
    public void MemberServices_TakeNoMemberOrUserIdFromCallers()
    {
        // The only way to say "whose wallet" is the sign-in: no public method accepts an id to override it.
        var methods = new[] { typeof(WalletService), typeof(CurrentMemberService), typeof(LinkStatusService) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        var parameters = methods.SelectMany(m => m.GetParameters().Select(p => (Method: m.Name, p.Name, p.ParameterType))).ToList();

        Assert.NotEmpty(parameters);
        Assert.DoesNotContain(parameters, p => p.ParameterType == typeof(string)
            && (p.Name!.Contains("member", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("user", StringComparison.OrdinalIgnoreCase)
                || p.Name.EndsWith("id", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Transactions_PageByCursor_NewestFirst_ForTheSignedInMemberOnly()
    {
        wallets.Ledgers["rrr_m_1001"] = [.. Enumerable.Range(0, 5).Select(i =>
            new LedgerEntry($"ent_{i}", LedgerEntryType.Earn, 10 + i, LedgerEntryStatus.Posted, T0.AddMinutes(-i), null, null))];
        var service = NewService();

        var first = await service.GetTransactionsAsync(cursor: null, limit: 2, Ct).Ok();
        var second = await service.GetTransactionsAsync(first.NextCursor, limit: 2, Ct).Ok();
        var last = await service.GetTransactionsAsync(second.NextCursor, limit: 2, Ct).Ok();

        Assert.Equal(["ent_0", "ent_1"], first.Items.Select(e => e.EntryId));
        Assert.Equal(["ent_2", "ent_3"], second.Items.Select(e => e.EntryId));
        Assert.Equal(["ent_4"], last.Items.Select(e => e.EntryId));
        Assert.Null(last.NextCursor);
        Assert.All(wallets.Asked, a => Assert.Equal("tx:rrr_m_1001", a));
    }

    [Fact]
    public async Task Transactions_WhenRrrIsDown_AreUnavailable()
    {
        wallets.Down = true;

        // Was Assert.ThrowsAsync<RrrUnavailableException>: the same outage, now as a result.
        Assert.True((await NewService().GetTransactionsAsync(null, 10, Ct)).IsUnavailable);
    }

    [Fact]
    public async Task Peek_ShowsTheCacheWithoutAskingRrr()
    {
        await NewService().GetAsync(refreshLink: false, Ct).Ok();
        links.Asked.Clear();
        wallets.Asked.Clear();

        var view = await NewService().PeekAsync(Ct);

        Assert.NotNull(view);
        Assert.Equal(1250, view.Wallet!.AvailablePoints);
        Assert.Empty(links.Asked);
        Assert.Empty(wallets.Asked);
    }

    public void Dispose() => db.Dispose();
}
