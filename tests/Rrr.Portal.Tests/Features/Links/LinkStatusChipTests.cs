using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Rrr.Core.Features.Links;
using Rrr.Core.Rrr.Links;
using Rrr.Portal.Components;
using Rrr.Portal.Features.Links;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Links;

/// <summary>The link status chip in the member's language, its "RRR said so at" in the reader's zone and culture.</summary>
public sealed class LinkStatusChipTests : PortalComponentTest
{
    private static readonly DateTimeOffset Fetched = new(2026, 12, 21, 14, 5, 0, TimeSpan.Zero);

    private static LinkView Linked(bool stale) => new("xcn_u_1001", LinkStatus.Linked, "rrr_m_1001", "lnk_1", Fetched, 3, Fetched, stale);

    [Fact]
    public void InEnglish_TheChipSaysTheStatus_AndWhenRrrSaidIt()
    {
        var cut = Render<LinkStatusChip>(p => p.Add(c => c.Link, Linked(stale: true)));

        Assert.Equal("Linked to RRR (last known)", cut.Find("[data-testid=link-status]").TextContent.Trim());
        // The clock's spacing before "PM" depends on the machine's ICU; the words and the day do not.
        Assert.StartsWith("RRR said so at 21 Dec 2026, 2:05", cut.FindComponent<MudTooltip>().Instance.Text, StringComparison.Ordinal);
        Assert.EndsWith(" UTC", cut.FindComponent<MudTooltip>().Instance.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void InSpanish_TheChipSpeaksSpanish_WithASpanishDateInTheReadersZone()
    {
        UseCulture("es");
        Services.GetRequiredService<ReaderTime>().UseZone("Europe/Madrid");

        var cut = Render<LinkStatusChip>(p => p.Add(c => c.Link, Linked(stale: true)));

        Assert.Equal("Vinculada a RRR (último conocido)", cut.Find("[data-testid=link-status]").TextContent.Trim());
        Assert.Equal("RRR lo indicó el 21 dic 2026, 15:05", cut.FindComponent<MudTooltip>().Instance.Text);
    }

    [Fact]
    public void InSpanish_BeforeRrrAnswered_TheChipSaysSo()
    {
        UseCulture("es");

        var cut = Render<LinkStatusChip>(p => p.Add(c => c.Link, LinkView.Unknown("xcn_u_1001") with { IsStale = false }));

        Assert.Equal("Estado del vínculo desconocido", cut.Find("[data-testid=link-status]").TextContent.Trim());
        Assert.Equal("RRR aún no ha respondido", cut.FindComponent<MudTooltip>().Instance.Text);
    }
}
