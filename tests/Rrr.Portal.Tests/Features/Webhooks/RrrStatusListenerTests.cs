using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Rrr.Core.Features;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Tests.Features.Webhooks;

public sealed class RrrStatusListenerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RrrEvent Event(string type, params (string Name, string Value)[] data) =>
        new("evt_" + Guid.NewGuid().ToString("N"), type, null, data.ToDictionary(d => d.Name, d => (object?)d.Value));

    [Fact]
    public async Task FollowedEvents_AreRefreshedInOrder_ByTheirIdField_OrTheResourceId_AndOthersAreIgnored()
    {
        var notifier = new PortalEvents(NullLogger<PortalEvents>.Instance);
        using var listener = new RecordingListener(notifier);
        await listener.StartAsync(Ct);

        notifier.Publish(Event(RrrEventTypes.PointsPosted, ("widget_id", "w_ignored")));
        notifier.Publish(Event("WIDGET_STATUS_CHANGED", ("widget_id", "w_1"), ("resource_id", "r_other")));
        notifier.Publish(Event("WIDGET_STATUS_CHANGED", ("resource_id", "w_2")));
        notifier.Publish(Event("WIDGET_STATUS_CHANGED"));
        notifier.Publish(Event("WIDGET_STATUS_CHANGED", ("widget_id", "w_3")));

        Assert.Equal(["w_1", "w_2", "w_3"], [await listener.NextAsync(), await listener.NextAsync(), await listener.NextAsync()]);
        await listener.StopAsync(Ct);
    }

    [Fact]
    public async Task AFailedRefresh_IsLogged_AndTheListenerGoesOn()
    {
        var notifier = new PortalEvents(NullLogger<PortalEvents>.Instance);
        using var listener = new RecordingListener(notifier, failFor: "w_bad");
        await listener.StartAsync(Ct);

        notifier.Publish(Event("WIDGET_STATUS_CHANGED", ("widget_id", "w_bad")));
        notifier.Publish(Event("WIDGET_STATUS_CHANGED", ("widget_id", "w_good")));

        Assert.Equal("w_bad", await listener.NextAsync());
        Assert.Equal("w_good", await listener.NextAsync());
        await listener.StopAsync(Ct);
    }

    private sealed class RecordingListener(IPortalEvents notifier, string? failFor = null)
        : RrrStatusListener(notifier, NullLogger.Instance)
    {
        private readonly Channel<string> refreshed = Channel.CreateUnbounded<string>();

        protected override string EventType => "WIDGET_STATUS_CHANGED";

        protected override string IdField => "widget_id";

        public async Task<string> NextAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            return await refreshed.Reader.ReadAsync(timeout.Token);
        }

        protected override Task RefreshAsync(string resourceId, CancellationToken cancellationToken)
        {
            refreshed.Writer.TryWrite(resourceId);
            return resourceId == failFor ? throw new HttpRequestException("RRR is down") : Task.CompletedTask;
        }
    }
}
