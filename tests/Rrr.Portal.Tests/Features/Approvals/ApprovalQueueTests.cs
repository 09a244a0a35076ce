using Rrr.Core.Features.Approvals;

namespace Rrr.Portal.Tests.Features.Approvals;

public sealed class ApprovalQueueTests : ApprovalTestBase
{
    [Fact]
    public async Task Queue_ShowsProgressOfTheCurrentVersion_AndLeavesOutDecidedAndExpired()
    {
        var engine = Engine();
        var decided = await NewRequestAsync(engine, new ApprovalPolicy(1, false));
        await engine.ApproveAsync(decided.Request.Id, "grace", 1, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var halfway = await NewRequestAsync(engine);
        await engine.ApproveAsync(halfway.Request.Id, "grace", 1, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var edited = await NewRequestAsync(engine);
        await engine.ApproveAsync(edited.Request.Id, "hugo", 1, Ct);
        Time.Advance(TimeSpan.FromHours(1));
        await engine.EditAsync(edited.Request.Id, "ada", 1, """{"points":301}""", Two, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var promotion = await engine.CreateAsync("promotion", "promo_1", "{}", new ApprovalPolicy(1, true), "grace", Ct);

        var page = await engine.QueueAsync(null, null, 10, Ct);
        var promotions = await engine.QueueAsync("promotion", null, 10, Ct);
        Time.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(33)); // now T0 + 3 days + 30 min
        var later = await engine.QueueAsync(null, null, 10, Ct);

        Assert.Equal([halfway.Request.Id, edited.Request.Id, promotion.Request.Id], page.Items.Select(v => v.Request.Id));
        Assert.Equal(["1 of 2 XCN", "0 of 2 XCN", "0 of 1 XCN"], page.Items.Select(v => v.Progress));
        Assert.Null(page.Next);
        Assert.Equal([promotion.Request.Id], promotions.Items.Select(v => v.Request.Id));

        // The edit restarted the expiry of its request: it outlives the one made a minute before it.
        Assert.Equal([edited.Request.Id, promotion.Request.Id], later.Items.Select(v => v.Request.Id));
    }

    [Fact]
    public async Task Queue_PagesWithACursor_AndReadsRecordsOncePerPage()
    {
        var counting = new CountingStore(Store);
        var engine = Engine(counting);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await NewRequestAsync(engine)).Request.Id);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        counting.Reset();
        var first = await engine.QueueAsync(null, null, 2, Ct);
        var second = await engine.QueueAsync(null, first.Next, 2, Ct);
        var third = await engine.QueueAsync(null, second.Next, 2, Ct);

        Assert.Equal(ids, first.Items.Concat(second.Items).Concat(third.Items).Select(v => v.Request.Id));
        Assert.NotNull(second.Next);
        Assert.Null(third.Next);
        Assert.All(first.Items, v => Assert.Single(v.Records));
        Assert.Equal((0, 3), (counting.SingleReads, counting.BatchReads));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Queue_PageSizeOutsideOneToHundred_IsRefused(int size) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine().QueueAsync(null, null, size, Ct));

    [Fact]
    public void Cursor_RoundTripsThroughItsTextForm_AndRejectsGarbage()
    {
        var cursor = new ApprovalQueueCursor(T0, "apr_0a.b");

        Assert.True(ApprovalQueueCursor.TryParse(cursor.Encode(), out var parsed));
        Assert.Equal(cursor, parsed);
        Assert.False(ApprovalQueueCursor.TryParse("nope", out _));
        Assert.False(ApprovalQueueCursor.TryParse("-5.apr_1", out _));
        Assert.False(ApprovalQueueCursor.TryParse("123.", out _));
    }

    private sealed class CountingStore(IApprovalStore inner) : DelegatingApprovalStore(inner)
    {
        public int SingleReads { get; private set; }

        public int BatchReads { get; private set; }

        public void Reset() => (SingleReads, BatchReads) = (0, 0);

        public override Task<IReadOnlyList<ApprovalRecord>> GetRecordsAsync(string requestId, CancellationToken cancellationToken)
        {
            SingleReads++;
            return base.GetRecordsAsync(requestId, cancellationToken);
        }

        public override Task<IReadOnlyList<ApprovalRecord>> GetRecordsForAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken)
        {
            BatchReads++;
            return base.GetRecordsForAsync(requestIds, cancellationToken);
        }
    }
}
