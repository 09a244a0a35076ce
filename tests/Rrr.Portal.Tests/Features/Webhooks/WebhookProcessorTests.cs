using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Webhooks;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Features.Webhooks;

/// <summary>The processor against the real SQLite inbox, one pass at a time, on a fake clock.</summary>
public sealed class WebhookProcessorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "rrr-processor-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(T0);
    private readonly PortalEvents notifier = new(NullLogger<PortalEvents>.Instance);
    private readonly System.Collections.Concurrent.ConcurrentQueue<RrrEvent> published = new();
    private SqlitePorts sqlite = null!;
    private SqliteWebhookInbox store = null!;
    private FlakyVersions versions = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sqlite = SqlitePorts.Open(folder, "portal.db");
        await sqlite.InitializeAsync(Ct);
        store = sqlite.Inbox;
        versions = new FlakyVersions(sqlite.Versions);
        notifier.Subscribe(RrrTopic.All, published.Enqueue);
    }

    public ValueTask DisposeAsync()
    {
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private WebhookProcessor Processor(int maxAttempts = 3) => new(
        store, versions, notifier, new WebhookProcessorSignal(), time,
        Options.Create(new WebhookProcessorOptions { MaxAttempts = maxAttempts, FirstRetryDelay = TimeSpan.FromSeconds(5) }),
        NullLogger<WebhookProcessor>.Instance);

    private async Task AddAsync(string id, long version, DateTimeOffset? receivedAt = null)
    {
        var body = WebhookPortal.EventJson(id, "POINTS_POSTED", "wallet", "rrr_m_1001", version, "rrr_m_1001");
        var rrrEvent = RrrEventPayload.Parse(body)!;
        await store.TryAddAsync(new InboxEvent(id, rrrEvent.Type, receivedAt ?? time.GetUtcNow(), RrrEventPayload.ToJson(rrrEvent)), Ct);
    }

    [Fact]
    public async Task FailingEvent_IsRetriedWithGrowingBackoff_ThenMarkedFailed()
    {
        versions.FailuresLeft = int.MaxValue;
        await AddAsync("evt_1", 1);
        var processor = Processor(maxAttempts: 3);

        Assert.Equal(1, await processor.RunOnceAsync(Ct));
        var first = await store.GetAsync("evt_1", Ct);
        Assert.Equal((InboxStatus.Pending, 1, "IOException"), (first!.Status, first.Attempts, first.LastError));

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await processor.RunOnceAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await processor.RunOnceAsync(Ct));

        // The second delay is twice the first.
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await processor.RunOnceAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await processor.RunOnceAsync(Ct));

        var last = await store.GetAsync("evt_1", Ct);
        Assert.Equal((InboxStatus.Failed, 3, "IOException"), (last!.Status, last.Attempts, last.LastError));
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await processor.RunOnceAsync(Ct));
        Assert.Empty(published);
    }

    [Fact]
    public async Task EventThatFailsOnce_IsAppliedAndPublishedOnce_OnTheRetry()
    {
        versions.FailuresLeft = 2; // the batch attempt and the one-by-one attempt of the first pass
        await AddAsync("evt_1", 4);
        var processor = Processor();

        await processor.RunOnceAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        await processor.RunOnceAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        await processor.RunOnceAsync(Ct);

        var record = await store.GetAsync("evt_1", Ct);
        Assert.Equal((InboxStatus.Processed, InboxOutcome.Applied), (record!.Status, record.Outcome));
        Assert.Equal(["evt_1"], published.Select(e => e.Id));
    }

    [Fact]
    public async Task TwoProcessors_ShareTheWork_AndEachEventIsPublishedOnce()
    {
        for (var i = 1; i <= 40; i++)
        {
            await AddAsync($"evt_{i:D2}", i, T0.AddSeconds(-60).AddMilliseconds(i));
        }

        var processors = new[] { Processor(), Processor() };
        await Task.WhenAll(processors.Select(p => Task.Run(async () =>
        {
            while (await p.RunOnceAsync(Ct) > 0)
            {
            }
        }, Ct)));

        Assert.Equal(40, await store.CountAsync(InboxStatus.Processed, Ct));
        var ids = published.Select(e => e.Id).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal(40, (await sqlite.Versions.GetAsync("wallet", "rrr_m_1001", Ct))!.Version);
    }

    [Fact]
    public async Task Purge_RemovesEventsPastRetention_AtMostOncePerInterval()
    {
        await AddAsync("evt_old", 1, T0.AddDays(-31));
        await AddAsync("evt_new", 2, T0.AddDays(-29));
        var processor = Processor();

        await processor.PurgeIfDueAsync(Ct);
        await AddAsync("evt_old_2", 3, T0.AddDays(-40));
        await processor.PurgeIfDueAsync(Ct);

        Assert.Null(await store.GetAsync("evt_old", Ct));
        Assert.NotNull(await store.GetAsync("evt_new", Ct));
        Assert.NotNull(await store.GetAsync("evt_old_2", Ct));
        time.Advance(TimeSpan.FromHours(1));
        await processor.PurgeIfDueAsync(Ct);
        Assert.Null(await store.GetAsync("evt_old_2", Ct));
    }

    [Fact]
    public void RetryDelay_DoublesUpToTheCap()
    {
        var options = new WebhookProcessorOptions { FirstRetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromMinutes(1) };

        Assert.Equal(
            [5, 10, 20, 40, 60, 60],
            Enumerable.Range(1, 6).Select(a => (int)WebhookProcessor.RetryDelay(a, options).TotalSeconds));
    }

    /// <summary>The real resource versions, failing the first <see cref="FailuresLeft"/> calls.</summary>
    private sealed class FlakyVersions(IResourceVersions inner) : IResourceVersions
    {
        public int FailuresLeft { get; set; }

        public Task<ResourceApplyResult> TryApplyAsync(ResourceState state, CancellationToken cancellationToken)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("disk full at /secret/path for mia@example.com");
            }

            return inner.TryApplyAsync(state, cancellationToken);
        }

        public async Task<IReadOnlyList<ResourceApplyResult>> TryApplyManyAsync(IReadOnlyList<ResourceState> states, CancellationToken cancellationToken)
        {
            var results = new List<ResourceApplyResult>();
            foreach (var state in states)
            {
                results.Add(await TryApplyAsync(state, cancellationToken));
            }

            return results;
        }

        public Task<ResourceState?> GetAsync(string resourceType, string resourceId, CancellationToken cancellationToken) =>
            inner.GetAsync(resourceType, resourceId, cancellationToken);
    }
}
