using System.Collections.Frozen;

namespace Rrr.Portal.Features.Checkout;

/// <summary>
/// Money as the reader writes it: their culture's currency pattern, digits and separators, the currency's own
/// number of decimals (ISO 4217: JPY none, KWD three), and a symbol only where the reader cannot mistake it,
/// else the ISO code after the figure ("1.49 CHF").
/// </summary>
public static class MoneyText
{
    // ISO 4217 minor units that are not 2. Codes not listed (and unknown ones) have 2.
    private static readonly FrozenDictionary<string, int> Digits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // English readers: "$" is the dollar they know (the portal's prices have always read "$1.49"), as are € and £.
    private static readonly FrozenDictionary<string, string> EnglishSymbols = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["USD"] = "$", ["EUR"] = "€", ["GBP"] = "£",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Spanish readers: a bare "$" is the peso in most of Latin America (es-MX reads "$1.49" as pesos), so the US
    // dollar is "US$" everywhere Spanish is read (es-ES "1,49 US$", es-MX "US$1.49"), as CLDR writes it for es.
    // A reader's own currency keeps its local symbol (es-MX with MXN, es-US with USD: "$").
    private static readonly FrozenDictionary<string, string> SpanishSymbols = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["USD"] = "US$", ["EUR"] = "€", ["GBP"] = "£",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The number of decimals of <paramref name="currency"/> (ISO 4217).</summary>
    public static int DecimalsOf(string currency) => Digits.TryGetValue(currency, out var digits) ? digits : 2;

    /// <summary>"$1.49", "€1.49", "1.49 CHF" (en); "1,49 US$", "1,49 €" (es-ES); "US$1.49", "$1.49" for MXN (es-MX); "150 JPY".</summary>
    public static string Format(Money money, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(money);
        ArgumentNullException.ThrowIfNull(culture);
        var currency = money.Currency.ToUpperInvariant();
        var digits = DecimalsOf(currency);
        if (Symbol(currency, culture) is not { } symbol)
        {
            return money.Amount.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), culture) + " " + currency;
        }

        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = symbol;
        format.CurrencyDecimalDigits = digits;
        return money.Amount.ToString("C", format);
    }

    private static string? Symbol(string currency, CultureInfo culture)
    {
        var english = culture.TwoLetterISOLanguageName == "en";
        if (!english && LocalSymbol(currency, culture) is { } local)
        {
            return local;
        }

        var symbols = english ? EnglishSymbols : culture.TwoLetterISOLanguageName == "es" ? SpanishSymbols : null;
        return symbols is not null && symbols.TryGetValue(currency, out var symbol) ? symbol : null;
    }

    // The culture's own currency symbol when the money is in that country's currency and the symbol is a sign, not a code.
    private static string? LocalSymbol(string currency, CultureInfo culture)
    {
        if (culture.IsNeutralCulture || culture.Equals(CultureInfo.InvariantCulture))
        {
            return null;
        }

        try
        {
            var symbol = culture.NumberFormat.CurrencySymbol;
            return new RegionInfo(culture.Name).ISOCurrencySymbol == currency && !symbol.All(char.IsAsciiLetter) ? symbol : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
