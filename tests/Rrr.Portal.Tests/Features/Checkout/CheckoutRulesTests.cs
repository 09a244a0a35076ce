using Rrr.Core.Features.Checkout;

namespace Rrr.Portal.Tests.Features.Checkout;

public sealed class CheckoutRulesTests
{
    [Theory]
    [InlineData(CheckoutStatus.Open, CheckoutStatus.PointsHeld, true)]
    [InlineData(CheckoutStatus.PointsHeld, CheckoutStatus.Paid, true)]
    [InlineData(CheckoutStatus.PointsHeld, CheckoutStatus.Open, true)]
    [InlineData(CheckoutStatus.PaymentFailed, CheckoutStatus.Reversed, true)]
    [InlineData(CheckoutStatus.Paid, CheckoutStatus.Completed, true)]
    [InlineData(CheckoutStatus.Paid, CheckoutStatus.Refunded, true)]
    [InlineData(CheckoutStatus.Completed, CheckoutStatus.Open, false)]
    [InlineData(CheckoutStatus.Paid, CheckoutStatus.PaymentFailed, false)]
    [InlineData(CheckoutStatus.Paid, CheckoutStatus.Cancelled, false)]
    [InlineData(CheckoutStatus.Reversed, CheckoutStatus.Paid, false)]
    [InlineData(CheckoutStatus.PaymentFailed, CheckoutStatus.Paid, false)]
    [InlineData(CheckoutStatus.Cancelled, CheckoutStatus.PointsHeld, false)]
    [InlineData(CheckoutStatus.Open, CheckoutStatus.Completed, false)]
    public void StateMachine_AllowsOnlyTheDesignedMoves(CheckoutStatus from, CheckoutStatus to, bool allowed) =>
        Assert.Equal(allowed, CheckoutStateMachine.CanMove(from, to));

    [Fact]
    public void Options_Valid_Pass() =>
        Assert.True(new CheckoutOptionsValidator().Validate(null, new CheckoutOptions
        {
            TopupBundles = [100, 250, 500],
            Packs = [new TokenPack { Id = "starter", Name = "Starter", Tokens = 100, Price = 10.99m }],
        }).Succeeded);

    [Fact]
    public void Options_Invalid_NameEveryBadSetting()
    {
        var result = new CheckoutOptionsValidator().Validate(null, new CheckoutOptions
        {
            Currency = "usd",
            Packs =
            [
                new TokenPack { Id = "Starter Pack", Name = "", Tokens = 0, Price = 10.999m },
                new TokenPack { Id = "x", Name = "X", Tokens = 1, Price = 1m },
                new TokenPack { Id = "x", Name = "X2", Tokens = 1, Price = 1m },
            ],
            TopupBundles = [100, 300],
            RedemptionStep = 0,
        });

        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("Checkout:Currency", message, StringComparison.Ordinal);
        Assert.Contains("Checkout:Packs:0:Id", message, StringComparison.Ordinal);
        Assert.Contains("Checkout:Packs:0:Name", message, StringComparison.Ordinal);
        Assert.Contains("Checkout:Packs:0:Tokens", message, StringComparison.Ordinal);
        Assert.Contains("Checkout:Packs:0:Price", message, StringComparison.Ordinal);
        Assert.Contains("'x' more than once", message, StringComparison.Ordinal);
        Assert.Contains("Checkout:TopupBundles", message, StringComparison.Ordinal);
        Assert.Contains("Checkout:RedemptionStep", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WithoutPacks_Fail() =>
        Assert.Contains("at least one token pack", new CheckoutOptionsValidator().Validate(null, new CheckoutOptions()).FailureMessage, StringComparison.Ordinal);
}
