using Bunit;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Rrr.Adjustments;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Adjustments;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Adjustments;

public sealed class AdjustmentRequestFormTests : PortalComponentTest
{
    public AdjustmentRequestFormTests()
    {
        Services.AddSingleton<IValidator<AdjustmentForm>>(new AdjustmentFormValidator(TestLocalizer.For<AdjustmentFormValidator>()));
    }

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

        cut.Find("[data-testid=field-points] input").Input(points);

        cut.WaitForAssertion(() => Assert.Contains(expected, Normalize(cut.Find("[data-testid=adjustment-policy]").TextContent), StringComparison.Ordinal));
    }

    [Fact]
    public void Policy_ChangesAsThePointsChange_AndAsksForPointsFirst()
    {
        var cut = Render<AdjustmentRequestForm>(p => p.Add(f => f.OnSubmit, (AdjustmentForm _) => { }));
        var policy = () => Normalize(cut.Find("[data-testid=adjustment-policy]").TextContent);
        var input = () => cut.Find("[data-testid=field-points] input");

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
        var cut = Render<AdjustmentRequestForm>(p => p
            .Add(f => f.OnSubmit, (AdjustmentForm f) => submitted = f)
            .Add(f => f.Initial, new AdjustmentForm("", 0, AdjustmentReason.Correction, "")));

        cut.Find("[data-testid=field-member] input").Input("xcn_u_1001");
        cut.Find("[data-testid=field-points] input").Input("-40");
        cut.Find("[data-testid=field-ticket] input").Input("TCK-9");
        cut.Find("[data-testid=adjustment-submit]").Click();

        Assert.Equal(new AdjustmentForm("xcn_u_1001", -40, AdjustmentReason.Correction, "TCK-9"), submitted);
    }

    [Fact]
    public void Submit_WithBadFields_ShowsEachMessageAtItsField_KeepsTheInput_AndSubmitsNothing()
    {
        var submitted = 0;
        var cut = Render<AdjustmentRequestForm>(p => p.Add(f => f.OnSubmit, (AdjustmentForm _) => submitted++));

        cut.Find("[data-testid=field-member] input").Input("xcn u 1001");
        cut.Find("[data-testid=field-ticket] input").Input("TCK 9!");
        cut.Find("[data-testid=adjustment-submit]").Click();

        Assert.Equal(0, submitted);
        Assert.Contains("letters, digits, _ and - only", cut.Find("[data-testid=field-member]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Points must not be 0", cut.Find("[data-testid=field-points]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Choose a reason.", cut.Find("[data-testid=field-reason]").TextContent, StringComparison.Ordinal);
        Assert.Contains("A ticket id has letters", cut.Find("[data-testid=field-ticket]").TextContent, StringComparison.Ordinal);
        Assert.Equal("xcn u 1001", cut.Find("[data-testid=field-member] input").GetAttribute("value"));
        Assert.Equal("TCK 9!", cut.Find("[data-testid=field-ticket] input").GetAttribute("value"));

        // Fixing a field takes its message away; the others stay until the next submit.
        cut.Find("[data-testid=field-points] input").Input("25");
        cut.WaitForAssertion(() => Assert.DoesNotContain("Points must not be 0", cut.Find("[data-testid=field-points]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Choose a reason.", cut.Find("[data-testid=field-reason]").TextContent, StringComparison.Ordinal);
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
