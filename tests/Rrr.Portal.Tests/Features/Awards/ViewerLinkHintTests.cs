using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Tests.Features.Wallet;

namespace Rrr.Portal.Tests.Features.Awards;

/// <summary>
/// The room's viewer link hints: RRR has only a per-user link read, so they are asked a bounded few at a time
/// and reused for a short while across circuits, until a LINK_UPDATED event says a viewer's link changed.
/// </summary>
public sealed class ViewerLinkHintTests : IDisposable
{
    private readonly AwardHarness harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task AFullRoom_IsAskedAtMostEightLookupsAtOnce_AndReachesEight()
    {
        var gate = new LookupGate(openAt: ViewerLinkHintReader.MaxConcurrentLookups);
        harness.Links.InFlight = gate.EnterAsync;
        var reader = new ViewerLinkHintReader(harness.Links, harness.HintCache);
        var viewers = Viewers(ViewerLinkHintReader.MaxViewerHints);

        // A guard against a hang only (a reader that never asks 8 at once would never open the gate).
        var hints = await reader.GetAsync(viewers, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(ViewerLinkHintReader.MaxConcurrentLookups, gate.MaxInFlight);
        Assert.Equal(viewers.Count, gate.Started);
        Assert.All(hints, h => Assert.Equal(ViewerLinkHint.NotLinked, h));
    }

    [Fact]
    public async Task BeyondFiftyViewers_TheRestAreUnknown_AndNotAsked()
    {
        var viewers = Viewers(60);
        var reader = new ViewerLinkHintReader(harness.Links, harness.HintCache);

        var hints = await reader.GetAsync(viewers, Ct);

        Assert.Equal(60, hints.Count);
        Assert.All(hints.Take(50), h => Assert.Equal(ViewerLinkHint.NotLinked, h));
        Assert.All(hints.Skip(50), h => Assert.Equal(ViewerLinkHint.Unknown, h));
        Assert.Equal(50, harness.Links.Asked.Count);
    }

    [Fact]
    public async Task Cancelling_StopsStartingLookups_AndIsRaised()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var gate = new LookupGate(openAt: int.MaxValue)
        {
            OnInFlight = n =>
            {
                if (n == ViewerLinkHintReader.MaxConcurrentLookups)
                {
                    cts.Cancel();
                }
            },
        };
        harness.Links.InFlight = gate.EnterAsync;
        var reader = new ViewerLinkHintReader(harness.Links, harness.HintCache);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.GetAsync(Viewers(ViewerLinkHintReader.MaxViewerHints), cts.Token));

        Assert.Equal(ViewerLinkHintReader.MaxConcurrentLookups, gate.Started);
    }

    [Fact]
    public async Task ReopeningTheRoom_InAnotherCircuit_DoesNotAskRrrAgain()
    {
        using (var first = harness.CreateService())
        {
            await first.GetRoomAsync(Ct);
        }

        using var second = harness.CreateService();
        var room = await second.GetRoomAsync(Ct);

        Assert.Equal([ViewerLinkHint.Linked, ViewerLinkHint.NotLinked], room.Viewers.Select(v => v.LinkHint));
        Assert.Equal(1, AskedFor("xcn_u_1003"));
        Assert.Equal(1, AskedFor("xcn_u_1004"));
    }

    [Fact]
    public async Task LinkUpdated_DropsThatViewersHint_SoTheNextOpeningSeesTheNewLink()
    {
        using var service = harness.CreateService();
        await service.GetRoomAsync(Ct);

        // pia links her account; RRR says so with LINK_UPDATED (resource_id is the XCN user id).
        harness.Links.Links["xcn_u_1004"] = FakeLinksApi.Linked("xcn_u_1004", "rrr_m_1004");
        harness.Notifier.Publish(new RrrEvent("evt_1", RrrEventTypes.LinkUpdated, null,
            new Dictionary<string, object?> { ["resource_type"] = "link", ["resource_id"] = "xcn_u_1004", ["version"] = 2L }));
        var room = await service.GetRoomAsync(Ct);

        Assert.Equal([ViewerLinkHint.Linked, ViewerLinkHint.Linked], room.Viewers.Select(v => v.LinkHint));
        Assert.Equal(2, AskedFor("xcn_u_1004"));
        Assert.Equal(1, AskedFor("xcn_u_1003"));
    }

    [Fact]
    public async Task OtherEvents_KeepTheHints()
    {
        using var service = harness.CreateService();
        await service.GetRoomAsync(Ct);

        harness.Notifier.Publish(new RrrEvent("evt_1", RrrEventTypes.PointsPosted, null,
            new Dictionary<string, object?> { ["xcn_user_id"] = "xcn_u_1004", ["rrr_member_id"] = "rrr_m_1004" }));
        await service.GetRoomAsync(Ct);

        Assert.Equal(1, AskedFor("xcn_u_1004"));
    }

    [Fact]
    public async Task Hints_AreAskedAgain_AfterTheirTimeToLive()
    {
        var reader = new ViewerLinkHintReader(harness.Links, harness.HintCache);
        await reader.GetAsync(Viewers(2), Ct);

        harness.Time.Advance(ViewerLinkHintCache.TimeToLive - TimeSpan.FromSeconds(1));
        await reader.GetAsync(Viewers(2), Ct);
        Assert.Equal(2, harness.Links.Asked.Count);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await reader.GetAsync(Viewers(2), Ct);
        Assert.Equal(4, harness.Links.Asked.Count);
    }

    [Fact]
    public async Task AnUnknownHint_IsNotKept()
    {
        var reader = new ViewerLinkHintReader(harness.Links, harness.HintCache);
        harness.Links.Down = true;
        Assert.All(await reader.GetAsync(Viewers(2), Ct), h => Assert.Equal(ViewerLinkHint.Unknown, h));

        harness.Links.Down = false;
        Assert.All(await reader.GetAsync(Viewers(2), Ct), h => Assert.Equal(ViewerLinkHint.NotLinked, h));
        Assert.Equal(4, harness.Links.Asked.Count);
    }

    [Fact]
    public void AnAnswerReadAcrossAnInvalidation_IsNotKept()
    {
        using var cache = new ViewerLinkHintCache(new PortalEvents(NullLogger<PortalEvents>.Instance), new FakeTimeProvider());
        var stamp = cache.Stamp;

        cache.Invalidate("xcn_u_1004");
        cache.Set("xcn_u_1004", ViewerLinkHint.NotLinked, stamp);
        cache.Set("xcn_u_1003", ViewerLinkHint.Linked, cache.Stamp);

        Assert.False(cache.TryGet("xcn_u_1004", out _));
        Assert.True(cache.TryGet("xcn_u_1003", out var kept));
        Assert.Equal(ViewerLinkHint.Linked, kept);
    }

    private int AskedFor(string xcnUserId) => harness.Links.Asked.Count(id => id == xcnUserId);

    private static List<RoomViewer> Viewers(int count) =>
        Enumerable.Range(1, count).Select(i => new RoomViewer($"xcn_u_{5000 + i}", $"viewer {i}")).ToList();

    /// <summary>
    /// Holds every lookup until <c>openAt</c> are in flight together, then lets all through: the high-water mark of
    /// concurrent lookups is then exact, with no timing involved. Waiting lookups honour their cancellation token.
    /// </summary>
    private sealed class LookupGate(int openAt)
    {
        private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock sync = new();
        private int inFlight;

        public int MaxInFlight { get; private set; }

        public int Started { get; private set; }

        public Action<int>? OnInFlight { get; init; }

        public async Task EnterAsync(CancellationToken cancellationToken)
        {
            int now;
            lock (sync)
            {
                Started++;
                now = ++inFlight;
                MaxInFlight = Math.Max(MaxInFlight, now);
            }

            OnInFlight?.Invoke(now);
            if (now >= openAt)
            {
                gate.TrySetResult();
            }

            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                lock (sync)
                {
                    inFlight--;
                }
            }
        }
    }
}
