using System.Globalization;
using Rrr.Core.Rrr;
using Rrr.Portal.Features.Checkout;

namespace Rrr.Portal.Tests.Features.Checkout;

/// <summary>Money in the reader's culture with the currency's own symbol and decimals (English exactly as before).</summary>
public sealed class MoneyTextTests
{
    [Theory]
    [InlineData("en", "USD", "1.49", "$1.49")]
    [InlineData("en-US", "USD", "1.49", "$1.49")]
    [InlineData("en-GB", "USD", "1.49", "$1.49")]
    [InlineData("en", "EUR", "1.49", "€1.49")]
    [InlineData("en-GB", "GBP", "1234.5", "£1,234.50")]
    [InlineData("en", "CHF", "1.49", "1.49 CHF")]
    [InlineData("en-US", "CHF", "1234.5", "1,234.50 CHF")]
    [InlineData("en", "JPY", "1500", "1,500 JPY")]
    [InlineData("en", "KWD", "1.5", "1.500 KWD")]
    [InlineData("es", "USD", "1.49", "1,49 US$")]
    [InlineData("es-ES", "USD", "1234.5", "1.234,50 US$")]
    [InlineData("es-ES", "EUR", "1.49", "1,49 €")]
    [InlineData("es", "CHF", "1.49", "1,49 CHF")]
    [InlineData("es", "JPY", "1500", "1.500 JPY")]
    [InlineData("es-MX", "USD", "1.49", "US$1.49")]
    [InlineData("es-MX", "MXN", "1234.5", "$1,234.50")]
    [InlineData("es-MX", "JPY", "1500", "1,500 JPY")]
    [InlineData("es-MX", "CHF", "1.49", "1.49 CHF")]
    public void Format_FollowsTheReadersCulture_AndTheCurrency(string culture, string currency, string amount, string expected)
    {
        var money = new Money(decimal.Parse(amount, CultureInfo.InvariantCulture), currency);

        Assert.Equal(expected, MoneyText.Format(money, CultureInfo.GetCultureInfo(culture)));
    }

    [Fact]
    public void Decimals_AreTheCurrencys_Iso4217()
    {
        Assert.Equal((2, 0, 3, 2), (MoneyText.DecimalsOf("USD"), MoneyText.DecimalsOf("JPY"), MoneyText.DecimalsOf("KWD"), MoneyText.DecimalsOf("XYZ")));
    }
}
