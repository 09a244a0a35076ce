using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Tests.Features.Wallet;

namespace Rrr.Portal.Tests.Features.Awards;

/// <summary>Award history settled from RRR's transfer webhooks, over the real bus and a real SQLite store.</summary>
public sealed class AwardSettlementTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();
    private readonly PortalEvents bus = new(NullLogger<PortalEvents>.Instance);
    private readonly ServiceProvider services;
    private readonly AwardSettlement settlement;
    private readonly ConcurrentQueue<AwardSettled> settled = new();
    private readonly IDisposable following;

    public AwardSettlementTests()
    {
        services = new ServiceCollection().AddSingleton<IAwardHistoryStore>(db.Store.Awards).BuildServiceProvider();
        settlement = new AwardSettlement(bus, services, new FakeTimeProvider(T0.AddMinutes(5)), NullLogger<AwardSettlement>.Instance);
        following = bus.Subscribe(AwardSettled.OfModel("xcn_u_2001"), settled.Enqueue);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await settlement.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        following.Dispose();
        await settlement.StopAsync(CancellationToken.None);
        settlement.Dispose();
        await services.DisposeAsync();
        db.Dispose();
    }

    [Fact]
    public async Task TransferCompleted_CommitsAPendingAward_Once_ForBothSidesEvents()
    {
        await StartAsync("ca_1", AwardRecordStatus.Pending, "ai_1");

        bus.Publish(Transfer("evt_1", RrrEventTypes.TransferCompleted, "ai_1", "rrr_m_2001"));
        bus.Publish(Transfer("evt_2", RrrEventTypes.TransferCompleted, "ai_1", "rrr_m_1003"));

        var row = await SettledAsync("ca_1", AwardRecordStatus.Committed);
        Assert.Equal(("aw_1", T0.AddMinutes(1)), (row.AwardId, row.CommittedAt));
        await Task.Delay(200, Ct);
        Assert.Single(settled);
    }

    [Fact]
    public async Task TransferReversed_MarksACommittedAwardReversed()
    {
        await StartAsync("ca_2", AwardRecordStatus.Committed, "ai_2");

        bus.Publish(Transfer("evt_3", RrrEventTypes.TransferReversed, "ai_2", "rrr_m_1003"));

        var row = await SettledAsync("ca_2", AwardRecordStatus.Reversed);
        Assert.Equal(AwardRecordStatus.Reversed, Assert.Single(settled).Status);
        Assert.Equal("ai_2", row.AwardIntentId);
    }

    [Fact]
    public async Task ATransferOfAnIntentNotStartedHere_ChangesNothing()
    {
        await StartAsync("ca_3", AwardRecordStatus.Pending, "ai_3");

        bus.Publish(Transfer("evt_4", RrrEventTypes.TransferCompleted, "ai_other", "rrr_m_1003"));
        bus.Publish(Transfer("evt_5", RrrEventTypes.TransferCompleted, "ai_3", "rrr_m_1003"));

        // Handled in order: once ai_3 settled, the unknown intent before it was passed over.
        await SettledAsync("ca_3", AwardRecordStatus.Committed);
        Assert.Single(settled);
    }

    private async Task StartAsync(string clientAwardId, AwardRecordStatus status, string intentId)
    {
        await db.Store.Awards.StartAsync(
            new AwardRecord("xcn_u_2001", clientAwardId, "rrr_m_2001", "xcn_u_1003", 50, "room_1", "stream_1", AwardRecordStatus.Pending,
                intentId, null, null, null, T0, T0, null), Ct);
        if (status != AwardRecordStatus.Pending)
        {
            await db.Store.Awards.UpdateAsync(new AwardUpdate("xcn_u_2001", clientAwardId, status, intentId, "aw_x", null, null, T0, T0), Ct);
        }
    }

    private async Task<AwardRecord> SettledAsync(string clientAwardId, AwardRecordStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            // The row is stored before AwardSettled is published: wait for both, or the count below races the publish.
            if (await db.Store.Awards.GetAsync("xcn_u_2001", clientAwardId, Ct) is { } row && row.Status == status
                && settled.Any(s => s.ClientAwardId == clientAwardId && s.Status == status))
            {
                return row;
            }

            await Task.Delay(10, Ct);
        }

        throw new Xunit.Sdk.XunitException($"{clientAwardId} did not become {status}");
    }

    private static RrrEvent Transfer(string id, string type, string intentId, string member) =>
        new(id, type, T0.AddMinutes(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture), new Dictionary<string, object?>
        {
            ["resource_type"] = "wallet", ["resource_id"] = member, ["rrr_member_id"] = member, ["version"] = 3L,
            ["award_id"] = "aw_1", ["award_intent_id"] = intentId, ["points"] = 50L,
        });
}
