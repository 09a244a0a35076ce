using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features.Audit;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Audit;

public sealed class AuditExportTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Anonymous_IsChallenged()
    {
        using var client = factory.CreateClientAs();
        using var response = await client.GetAsync(new Uri("/admin/audit/export.csv", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(PortalFactory.Authority + "connect/authorize", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_IsForbidden()
    {
        using var client = factory.CreateClientAs(PortalRoles.Member);
        using var response = await client.GetAsync(new Uri("/admin/audit/export.csv", UriKind.Relative), Ct);
        Assert.False(response.IsSuccessStatusCode);
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/forbidden", StringComparison.Ordinal) == true,
            $"{(int)response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task Admin_GetsFilteredCsv_WithFormulasNeutralised()
    {
        var actor = "xcn_u_" + Guid.NewGuid().ToString("N")[..8];
        var store = factory.Services.GetRequiredService<IAuditStore>();
        var day = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
        await store.AppendAsync(new AuditEvent("a1-" + actor, day.AddHours(9), actor, "award", "=cmd|x", "tr", "k", "ok"), Ct);
        await store.AppendAsync(new AuditEvent("a2-" + actor, day.AddHours(23).AddMinutes(59), actor, "adjustment", "xcn_u_2", null, null, "posted"), Ct);
        await store.AppendAsync(new AuditEvent("a3-" + actor, day.AddDays(1).AddHours(1), actor, "award", "xcn_u_3", null, null, "ok"), Ct);
        await store.AppendAsync(new AuditEvent("a4-" + actor, day.AddHours(10), "xcn_u_other", "award", "xcn_u_4", null, null, "ok"), Ct);

        using var client = factory.CreateClientAs(PortalRoles.Admin);
        using var response = await client.GetAsync(new Uri($"/admin/audit/export.csv?actor={actor}&from=2026-03-10&to=2026-03-10", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("occurred_at_utc,actor_id,kind", lines[0], StringComparison.Ordinal);
        Assert.Equal($"2026-03-10T23:59:00.000Z,{actor},adjustment,xcn_u_2,posted,,,a2-{actor}", lines[1]);
        Assert.Equal($"2026-03-10T09:00:00.000Z,{actor},award,'=cmd|x,ok,tr,k,a1-{actor}", lines[2]);

        using var byKind = await client.GetAsync(new Uri($"/admin/audit/export.csv?actor={actor}&kind=award", UriKind.Relative), Ct);
        var kindLines = (await byKind.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"a3-{actor}", $"a1-{actor}"], kindLines.Skip(1).Select(l => l.Split(',')[^1]));
    }

    [Fact]
    public async Task Admin_WithAnUnreadableDate_GetsBadRequest()
    {
        using var client = factory.CreateClientAs(PortalRoles.Admin);
        using var response = await client.GetAsync(new Uri("/admin/audit/export.csv?from=yesterday", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
