namespace Rrr.Core.Features.Checkout;

/// <summary>The token-pack catalog and checkout rules. Bound from "Checkout", validated at start-up.</summary>
public sealed class CheckoutOptions
{
    public const string Section = "Checkout";

    /// <summary>ISO 4217 code every pack is priced in; RRR must quote point values and top-ups in it too.</summary>
    public string Currency { get; set; } = "USD";

    public List<TokenPack> Packs { get; set; } = [];

    /// <summary>Top-up bundles offered (RRR accepts 100, 250 and 500). No default: binding appends to a list, it never replaces it.</summary>
    public List<int> TopupBundles { get; set; } = [];

    /// <summary>
    /// Price per point shown on the top-up offer before a quote exists; what the member pays is always
    /// RRR's quoted price, shown before payment.
    /// </summary>
    public decimal TopupPricePerPoint { get; set; } = 0.03m;

    /// <summary>RRR redeems in steps of this many points; "short of the next step" is measured against it.</summary>
    public long RedemptionStep { get; set; } = 100;

    /// <summary>A hold this close to its expiry is treated as expired before paying, so money never moves on a dying hold.</summary>
    public TimeSpan HoldSafetyMargin { get; set; } = TimeSpan.FromSeconds(20);

    public TokenPack? Find(string? packId) =>
        packId is null ? null : Packs.Find(p => string.Equals(p.Id, packId, StringComparison.Ordinal));

    /// <summary>The bundles, smallest first, priced indicatively at <see cref="TopupPricePerPoint"/>; what is charged is RRR's quote.</summary>
    public IReadOnlyList<TopupBundleOffer> BundleOffers() =>
        [.. TopupBundles.Order().Select(b => new TopupBundleOffer(b, new Rrr.Money(b * TopupPricePerPoint, Currency)))];
}

/// <summary>One token pack on sale. Ids are stable: orders keep the id and a copy of the price.</summary>
public sealed class TokenPack
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public long Tokens { get; set; }

    public decimal Price { get; set; }
}

/// <summary>Names every bad setting by its path.</summary>
public sealed partial class CheckoutOptionsValidator : IValidateOptions<CheckoutOptions>
{
    private static readonly int[] RrrBundles = [100, 250, 500];

    public ValidateOptionsResult Validate(string? name, CheckoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Currency is null || !CurrencyCode().IsMatch(options.Currency))
        {
            failures.Add("Checkout:Currency must be an ISO 4217 code of three capital letters, e.g. USD.");
        }

        if (options.Packs is null || options.Packs.Count == 0)
        {
            failures.Add("Checkout:Packs must list at least one token pack.");
        }
        else
        {
            for (var i = 0; i < options.Packs.Count; i++)
            {
                var pack = options.Packs[i];
                if (pack.Id is null || !PackId().IsMatch(pack.Id))
                {
                    failures.Add($"Checkout:Packs:{i}:Id must be 1-40 characters of a-z, 0-9 or '-'.");
                }

                if (string.IsNullOrWhiteSpace(pack.Name))
                {
                    failures.Add($"Checkout:Packs:{i}:Name is required.");
                }

                if (pack.Tokens <= 0)
                {
                    failures.Add($"Checkout:Packs:{i}:Tokens must be above 0.");
                }

                if (pack.Price <= 0 || decimal.Round(pack.Price, 2) != pack.Price)
                {
                    failures.Add($"Checkout:Packs:{i}:Price must be above 0 with at most 2 decimals.");
                }
            }

            foreach (var duplicate in options.Packs.GroupBy(p => p.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                failures.Add($"Checkout:Packs has the id '{duplicate.Key}' more than once.");
            }
        }

        if (options.TopupBundles is null || options.TopupBundles.Count == 0 || options.TopupBundles.Any(b => !RrrBundles.Contains(b)))
        {
            failures.Add("Checkout:TopupBundles must list bundles RRR sells: 100, 250 or 500.");
        }

        if (options.TopupPricePerPoint <= 0)
        {
            failures.Add("Checkout:TopupPricePerPoint must be above 0.");
        }

        if (options.RedemptionStep <= 0)
        {
            failures.Add("Checkout:RedemptionStep must be above 0.");
        }

        if (options.HoldSafetyMargin < TimeSpan.Zero || options.HoldSafetyMargin > TimeSpan.FromMinutes(5))
        {
            failures.Add("Checkout:HoldSafetyMargin must be between 0 and 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex(@"^[a-z0-9-]{1,40}\z")]
    private static partial Regex PackId();
}
