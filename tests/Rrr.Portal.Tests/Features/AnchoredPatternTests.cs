using Microsoft.Extensions.Options;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Rrr.Adjustments;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features;

/// <summary>
/// .NET's <c>$</c> also matches before a final newline, so "abc\n" passed every <c>^…$</c> rule: the patterns end
/// in <c>\z</c> now. One value per rule that used to pass.
/// </summary>
public sealed class AnchoredPatternTests
{
    [Fact]
    public void LinkCode_WithATrailingNewline_IsRefused()
    {
        Assert.Null(LinkWizardRules.ValidateCode("482913", TestLocalizer.For<LinkWizardText>()));
        Assert.NotNull(LinkWizardRules.ValidateCode("482913\n", TestLocalizer.For<LinkWizardText>()));
    }

    [Fact]
    public void CheckoutOrderNumber_WithATrailingNewline_IsNotOne()
    {
        Assert.True(CheckoutReferences.IsOrderNumber("xcn_co_0123456789abcdef"));
        Assert.False(CheckoutReferences.IsOrderNumber("xcn_co_0123456789abcdef\n"));
    }

    [Theory]
    [InlineData("xcn_u_1001\n", "T-1")]
    [InlineData("xcn_u_1001", "T-1\n")]
    public void AdjustmentForm_WithATrailingNewline_IsInvalid(string xcnUserId, string ticketId)
    {
        var form = new AdjustmentForm(xcnUserId, 10, AdjustmentReason.Goodwill, ticketId);

        Assert.False(new AdjustmentFormValidator(TestLocalizer.For<AdjustmentFormValidator>()).Validate(form).IsValid);
        Assert.True(new AdjustmentFormValidator(TestLocalizer.For<AdjustmentFormValidator>()).Validate(form with { XcnUserId = xcnUserId.TrimEnd(), TicketId = ticketId.TrimEnd() }).IsValid);
    }

    [Fact]
    public void EarnCurrency_WithATrailingNewline_IsRefusedAtStartUp()
    {
        Assert.True(new EarnOptionsValidator().Validate(null, new EarnOptions { Currency = "USD" }).Succeeded);
        Assert.True(new EarnOptionsValidator().Validate(null, new EarnOptions { Currency = "USD\n" }).Failed);
    }

    [Fact]
    public void CheckoutCurrency_WithATrailingNewline_IsRefusedAtStartUp()
    {
        static IEnumerable<string> CurrencyFailures(string currency) =>
            (new CheckoutOptionsValidator().Validate(null, new CheckoutOptions { Currency = currency }).Failures ?? [])
                .Where(f => f.StartsWith("Checkout:Currency", StringComparison.Ordinal));

        Assert.Empty(CurrencyFailures("USD"));
        Assert.Single(CurrencyFailures("USD\n"));
    }
}
