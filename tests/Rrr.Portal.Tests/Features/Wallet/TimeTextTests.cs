using Rrr.Core.Features.Webhooks;
using Rrr.Portal.Components;
using Rrr.Portal.Features.Notifications;
using Rrr.Portal.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Wallet;

public sealed class TimeTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(-59, "just now")]
    [InlineData(30, "in under a minute")]
    [InlineData(-120, "2 min ago")]
    [InlineData(-3600, "1 hour ago")]
    [InlineData(-3 * 3600 - 59, "3 hours ago")]
    [InlineData(5 * 86400 + 3 * 3600, "in 5 days")]
    [InlineData(86400, "in 1 day")]
    public void Relative_SaysHowFarAway(int seconds, string expected) =>
        Assert.Equal(expected, TimeText.Relative(Now.AddSeconds(seconds), Now));

    [Fact]
    public void Absolute_IsUtcAndInvariant() =>
        Assert.Equal("6 Mar 2026, 15:04 UTC", TimeText.DateTime(new DateTimeOffset(2026, 3, 6, 17, 4, 0, TimeSpan.FromHours(2))));

    [Theory]
    [InlineData(RrrEventTypes.PointsPosted, 120L, "POSTED", "120 points posted")]
    [InlineData(RrrEventTypes.PointsPosted, 1L, "PENDING", "1 point pending")]
    [InlineData(RrrEventTypes.PointsReversed, -1500L, null, "1,500 points reversed")]
    [InlineData(RrrEventTypes.PointsReversed, 20L, "EXPIRED", "20 points expired")]
    [InlineData(RrrEventTypes.RedemptionCommitted, 300L, "COMMITTED", "300 points redeemed")]
    public void WalletEvents_GetAShortNote(string type, long points, string? status, string expected)
    {
        var data = new Dictionary<string, object?> { ["points"] = points, ["status"] = status };

        Assert.Equal(expected, WalletEventMessages.Describe(new RrrEvent("evt", type, null, data), TestLocalizer.For<NotificationWords>(), new ReaderTime()));
    }

    [Fact]
    public void PromotionEvents_DoNotTouchThePanel()
    {
        Assert.False(WalletEventMessages.Refreshes(RrrEventTypes.PromotionStatusChanged));
        Assert.Null(WalletEventMessages.Describe(new RrrEvent("evt", RrrEventTypes.PromotionStatusChanged, null, new Dictionary<string, object?>()), TestLocalizer.For<NotificationWords>(), new ReaderTime()));
    }
}
