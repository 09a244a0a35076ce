using Bunit;
using Rrr.Core.Features.Adjustments;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Adjustments;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Adjustments;

public sealed class AdjustmentRequestFormTests : PortalComponentTest
{
    [Theory]
    [InlineData("50", "50 points needs 1 XCN admin.")]
    [InlineData("100", "100 points needs 1 XCN admin.")]
    [InlineData("101", "101 points needs 2 distinct XCN admins.")]
    [InlineData("-300", "300 points needs 2 distinct XCN admins.")]
    [InlineData("500", "500 points needs 2 distinct XCN admins.")]
    [InlineData("501", "501 points needs 2 distinct XCN admins + 1 RRR admin.")]
    [InlineData("800", "800 points needs 2 distinct XCN admins + 1 RRR admin.")]
    public void Policy_IsShownBeforeSubmitting_AndFollowsThePoints(string points, string expected)
    {
        var cut = Render<AdjustmentRequestForm>(p => p.Add(f => f.OnSubmit, (AdjustmentForm _) => { }));

        cut.Find("input[inputmode=numeric], input[type=number]").Input(points);

        cut.WaitForAssertion(() => Assert.Contains(expected, Normalize(cut.Find("[data-testid=adjustment-policy]").TextContent), StringComparison.Ordinal));
    }

    [Fact]
    public void Policy_ChangesAsThePointsChange_AndAsksForPointsFirst()
    {
        var cut = Render<AdjustmentRequestForm>(p => p.Add(f => f.OnSubmit, (AdjustmentForm _) => { }));
        var policy = () => Normalize(cut.Find("[data-testid=adjustment-policy]").TextContent);
        var input = () => cut.Find("input[inputmode=numeric], input[type=number]");

        Assert.Contains("Enter the points", policy(), StringComparison.Ordinal);
        input().Input("50");
        cut.WaitForAssertion(() => Assert.Contains("1 XCN admin", policy(), StringComparison.Ordinal));
        input().Input("800");
        cut.WaitForAssertion(() => Assert.Contains("RRR then asks its own admin", policy(), StringComparison.Ordinal));
    }

    [Fact]
    public void Submit_HandsOverWhatWasTyped()
    {
        AdjustmentForm? submitted = null;
        var cut = Render<AdjustmentRequestForm>(p => p.Add(f => f.OnSubmit, (AdjustmentForm f) => submitted = f));

        cut.Find("input:not([inputmode=numeric]):not([type=number])").Input("xcn_u_1001");
        cut.Find("input[inputmode=numeric], input[type=number]").Input("-40");
        cut.FindAll(".mud-input-control input")[^1].Input("TCK-9");
        cut.FindAll("button").Single(b => b.TextContent.Contains("Request adjustment", StringComparison.Ordinal)).Click();

        Assert.Equal(new AdjustmentForm("xcn_u_1001", -40, null, "TCK-9"), submitted);
    }

    [Fact]
    public void AdminsPage_RequiresTheAdminPolicy()
    {
        var attribute = typeof(AdjustmentsPage).GetCustomAttributes(typeof(Microsoft.AspNetCore.Authorization.AuthorizeAttribute), true)
            .Cast<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>().Single();

        Assert.Equal(PortalPolicies.Admin, attribute.Policy);
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
