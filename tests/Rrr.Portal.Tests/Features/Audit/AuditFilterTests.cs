using Rrr.Portal.Features.Audit;

namespace Rrr.Portal.Tests.Features.Audit;

public sealed class AuditFilterTests
{
    [Fact]
    public void ToQuery_MakesTheToDateInclusive_InUtc()
    {
        var query = new AuditFilter(" xcn_u_1 ", "", new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 12)).ToQuery(25, 25);

        Assert.Equal("xcn_u_1", query.ActorId);
        Assert.Null(query.Kind);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.Zero), query.To);
        Assert.Equal((25, 25), (query.Skip, query.Take));
    }

    [Fact]
    public void ExportUrl_RoundTripsThroughTryParse()
    {
        var filter = new AuditFilter("xcn_u_1", "a&b", new DateOnly(2026, 3, 10), null);

        Assert.Equal("admin/audit/export.csv?actor=xcn_u_1&kind=a%26b&from=2026-03-10", filter.ExportUrl());
        Assert.True(AuditFilter.TryParse("xcn_u_1", "a&b", "2026-03-10", null, out var parsed));
        Assert.Equal(filter, parsed);
    }

    [Theory]
    [InlineData("2026-13-01", null)]
    [InlineData(null, "10/03/2026")]
    public void TryParse_RefusesUnreadableDates(string? from, string? to) =>
        Assert.False(AuditFilter.TryParse(null, null, from, to, out _));
}
