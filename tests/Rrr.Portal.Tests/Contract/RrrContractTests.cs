using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Awards;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Contract;

/// <summary>
/// The contract suite: the real client against the real sandbox over loopback HTTP. Each test makes its
/// own linked member, so the shared sandbox never couples tests through balances.
/// </summary>
public sealed class RrrContractTests(ContractSandbox rrr) : IClassFixture<ContractSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReplayedKey_PostsOneLedgerEntry_AndAnswersTheSame()
    {
        var link = await rrr.LinkNewUserAsync();
        var order = ContractSandbox.NewOrder();

        var first = await rrr.EarnAsync(link.XcnUserId, order, 120m);
        var second = await rrr.EarnAsync(link.XcnUserId, order, 120m);

        Assert.Equal(first.EarnEventId, second.EarnEventId);
        Assert.Equal(120, first.Points);
        var earns = await EntriesAsync(link.RrrMemberId, LedgerEntryType.Earn);
        Assert.Single(earns);
        var wallet = await rrr.Api<IRrrWalletApi>().GetWalletAsync(link.RrrMemberId, Ct);
        Assert.Equal(120, wallet.AvailablePoints);
        var calls = rrr.CallLog.Records.Where(r => r.IdempotencyKey == IdempotencyKeys.EarnTokens(order)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Single(calls, c => c.Replayed);
    }

    [Fact]
    public async Task KeyReusedWithAnotherBody_IsRefusedWith422()
    {
        var link = await rrr.LinkNewUserAsync();
        var order = ContractSandbox.NewOrder();
        var key = IdempotencyKeys.EarnTokens(order);
        await rrr.EarnAsync(link.XcnUserId, order, 10m, key);

        var ex = await Assert.ThrowsAsync<RrrProblemException>(() => rrr.EarnAsync(link.XcnUserId, order, 99m, key));

        Assert.Equal(422, ex.Status);
        Assert.Equal(RrrErrorCodes.IdempotencyKeyReused, ex.Code);
        Assert.Single(await EntriesAsync(link.RrrMemberId, LedgerEntryType.Earn));
    }

    [Fact]
    public async Task DoubleLink_IsRefusedWith409_FromEitherSide()
    {
        var link = await rrr.LinkNewUserAsync();
        var links = rrr.Api<IRrrLinksApi>();

        var sameUser = await Assert.ThrowsAsync<RrrProblemException>(() => links.CreateIntentAsync(
            new CreateLinkIntentRequest(link.XcnUserId), IdempotencyKeys.LinkIntent(link.XcnUserId, "again"), Ct));
        var sameMember = await Assert.ThrowsAsync<RrrProblemException>(() => rrr.LinkNewUserAsync(link.RrrMemberId));

        Assert.Equal((409, RrrErrorCodes.AlreadyLinked), (sameUser.Status, sameUser.Code));
        Assert.Equal((409, RrrErrorCodes.AlreadyLinked), (sameMember.Status, sameMember.Code));
        var state = await links.GetAsync(link.XcnUserId, Ct);
        Assert.Equal(LinkStatus.Linked, state.Status);
        Assert.Equal(link.RrrMemberId, state.RrrMemberId);
    }

    [Fact]
    public async Task RedemptionQuote_HoldsInEscrow_AndReverseRestoresTheBalance()
    {
        var link = await rrr.LinkNewUserAsync();
        await rrr.EarnAsync(link.XcnUserId, ContractSandbox.NewOrder(), 500m);
        var redemptions = rrr.Api<IRrrRedemptionsApi>();
        var wallets = rrr.Api<IRrrWalletApi>();
        var orderRef = ContractSandbox.NewOrder();

        var quote = await redemptions.CreateQuoteAsync(
            new CreateRedemptionQuoteRequest(link.RrrMemberId, 300, orderRef), IdempotencyKeys.RedeemQuote(orderRef), Ct);
        var held = await wallets.GetWalletAsync(link.RrrMemberId, Ct);
        var reversal = await redemptions.ReverseAsync(
            quote.QuoteId, new ReverseRedemptionRequest("payment_failed"), IdempotencyKeys.RedeemReverse(quote.QuoteId), Ct);
        var after = await wallets.GetWalletAsync(link.RrrMemberId, Ct);

        Assert.Equal((200L, 300L), (held.AvailablePoints, held.EscrowPoints));
        Assert.Equal(new Money(3.00m, "USD"), quote.Value);
        Assert.Equal(RedemptionStatus.Reversed, reversal.Status);
        Assert.Equal((500L, 0L), (after.AvailablePoints, after.EscrowPoints));
        Assert.True(after.Version > held.Version);
    }

    [Fact]
    public async Task ExpiredQuote_IsRefused_AndItsEscrowReleased()
    {
        var link = await rrr.LinkNewUserAsync();
        await rrr.EarnAsync(link.XcnUserId, ContractSandbox.NewOrder(), 200m);
        var redemptions = rrr.Api<IRrrRedemptionsApi>();
        var orderRef = ContractSandbox.NewOrder();
        var quote = await redemptions.CreateQuoteAsync(
            new CreateRedemptionQuoteRequest(link.RrrMemberId, 100, orderRef), IdempotencyKeys.RedeemQuote(orderRef), Ct);

        await rrr.AdvanceClockAsync(hours: 1);
        var ex = await Assert.ThrowsAsync<RrrProblemException>(() => redemptions.CommitAsync(
            quote.QuoteId, new CommitRedemptionRequest("pay_1"), IdempotencyKeys.RedeemCommit(quote.QuoteId), Ct));

        Assert.Equal((422, RrrErrorCodes.QuoteExpired), (ex.Status, ex.Code));
        var wallet = await rrr.Api<IRrrWalletApi>().GetWalletAsync(link.RrrMemberId, Ct);
        Assert.Equal((200L, 0L), (wallet.AvailablePoints, wallet.EscrowPoints));
    }

    [Fact]
    public async Task AwardToAnUnlinkedViewer_IsRefusedAsNotLinked_WithAMessageForTheModel()
    {
        var awards = rrr.Api<IRrrAwardsApi>();
        var model = await rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_2001", Ct);

        // xcn_u_1004 is the demo viewer without an RRR account.
        var ex = await Assert.ThrowsAsync<RrrProblemException>(() => awards.CreateIntentAsync(
            new CreateAwardIntentRequest("rrr_m_2001", "xcn_u_1004", 50, "room_7", "stream_7"),
            IdempotencyKeys.AwardIntent(Guid.NewGuid().ToString("N")), Ct));

        Assert.Equal((422, RrrErrorCodes.NotLinked), (ex.Status, ex.Code));
        Assert.False(string.IsNullOrWhiteSpace(ex.Detail));
        var after = await rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_2001", Ct);
        Assert.Equal(model.AvailablePoints, after.AvailablePoints);
    }

    [Fact]
    public async Task AwardToALinkedViewer_MovesPointsAtomically_AndACommitRetryDoesNotPayTwice()
    {
        var viewer = await rrr.LinkNewUserAsync();
        var awards = rrr.Api<IRrrAwardsApi>();
        var wallets = rrr.Api<IRrrWalletApi>();
        var before = await wallets.GetWalletAsync("rrr_m_2001", Ct);

        var intent = await awards.CreateIntentAsync(
            new CreateAwardIntentRequest("rrr_m_2001", viewer.XcnUserId, 25, "room_7", "stream_7"),
            IdempotencyKeys.AwardIntent(Guid.NewGuid().ToString("N")), Ct);
        var first = await awards.CommitAsync(intent.AwardIntentId, IdempotencyKeys.AwardCommit(intent.AwardIntentId), Ct);
        var again = await awards.CommitAsync(intent.AwardIntentId, IdempotencyKeys.AwardCommit(intent.AwardIntentId), Ct);

        Assert.Equal(first.AwardId, again.AwardId);
        Assert.Equal(before.AvailablePoints - 25, (await wallets.GetWalletAsync("rrr_m_2001", Ct)).AvailablePoints);
        Assert.Equal(25, (await wallets.GetWalletAsync(viewer.RrrMemberId, Ct)).AvailablePoints);
    }

    [Fact]
    public async Task Injected5xxAfterCommit_OnAKeyedCall_IsRetried_AndPostedExactlyOnce()
    {
        var link = await rrr.LinkNewUserAsync();
        var order = ContractSandbox.NewOrder();
        await rrr.SetFaultsAsync(new { fail_next = new { count = 1, status = 503, after_commit = true } });
        try
        {
            var earned = await rrr.EarnAsync(link.XcnUserId, order, 40m);

            Assert.Equal(40, earned.Points);
        }
        finally
        {
            await rrr.SetFaultsAsync(new { });
        }

        Assert.Single(await EntriesAsync(link.RrrMemberId, LedgerEntryType.Earn));
        var attempts = rrr.CallLog.Records.Where(r => r.IdempotencyKey == IdempotencyKeys.EarnTokens(order))
            .OrderBy(r => r.Attempt).ToList();
        Assert.Equal([503, 201], attempts.Select(a => a.StatusCode ?? 0));
        Assert.True(attempts[1].Replayed, "the retry must be answered from RRR's idempotency store, not posted again");
    }

    private async Task<List<LedgerEntry>> EntriesAsync(string rrrMemberId, LedgerEntryType type)
    {
        var page = await rrr.Api<IRrrWalletApi>().GetTransactionsAsync(rrrMemberId, limit: 100, cancellationToken: Ct);
        return page.Items.Where(e => e.Type == type).ToList();
    }
}
