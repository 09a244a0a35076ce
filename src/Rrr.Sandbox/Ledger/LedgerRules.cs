namespace Rrr.Sandbox.Ledger;

/// <summary>Sandbox configuration for RRR's business rules (docs/rrr-wire.md): configuration, not constants.</summary>
internal sealed record LedgerRules
{
    public string Currency { get; init; } = "USD";

    /// <summary>Points per whole currency unit, by product.</summary>
    public IReadOnlyDictionary<string, long> EarnPointsPerUnit { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["TOKENS"] = 1,
        ["MEMBERSHIP"] = 2,
    };

    public decimal PointValue { get; init; } = 0.01m;

    public decimal TopUpPricePerPoint { get; init; } = 0.03m;

    public IReadOnlyList<long> TopUpBundles { get; init; } = [100, 250, 500];

    public long RedemptionStep { get; init; } = 100;

    public TimeSpan PendingHold { get; init; } = TimeSpan.FromHours(48);

    public TimeSpan LotLifetime { get; init; } = TimeSpan.FromDays(365);

    public TimeSpan ExpiringSoonWindow { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan QuoteLifetime { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan LinkIntentLifetime { get; init; } = TimeSpan.FromMinutes(15);

    public int LinkCodeAttempts { get; init; } = 5;

    public TimeSpan AwardIntentLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan SsoTicketLifetime { get; init; } = TimeSpan.FromSeconds(60);

    public static string Money(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Money on the wire: the amount is a decimal string.</summary>
internal sealed record MoneyDto(string Amount, string Currency);
