using System.Diagnostics.CodeAnalysis;

namespace Rrr.Core.Features.Earn;

/// <summary>Earn rules and the outbox dispatcher's tuning. Bound from "Earn", validated at start-up.</summary>
public sealed class EarnOptions
{
    public const string Section = "Earn";

    /// <summary>ISO 4217 code of XCN's prices; orders in another currency are refused at the door.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>
    /// Points per whole currency unit, by product ("Tokens", "Membership"). Sent to RRR as
    /// <c>expected_points</c> for reconciliation only: RRR's own rules decide what is credited.
    /// </summary>
    public Dictionary<string, long> PointsPerUnit { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(EarnProduct.Tokens)] = 1,
        [nameof(EarnProduct.Membership)] = 2,
    };

    /// <summary>
    /// XCN's membership plan codes and the RRR tier each one earns (sent with the earn event as <c>membership_plan</c> and
    /// <c>tier</c>). A paid membership with a plan not listed here is refused at the door. Plan codes match ignoring case;
    /// configuration adds plans to (or re-maps) the defaults.
    /// </summary>
    public Dictionary<string, string> MembershipTiers { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["monthly"] = "BASIC",
        ["yearly"] = "PREMIUM",
    };

    public PostingMode PostingMode { get; set; } = PostingMode.Immediate;

    /// <summary>Failed posts (not outages, see <see cref="EarnDispatcher"/>) before a row is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Cap of every backoff, also of the outage backoff (how late a recovered RRR is noticed at worst).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a claim shields a row from other instances; longer than any batch takes.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int BatchSize { get; set; } = 100;

    /// <summary>RRR calls in flight at once per instance.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Fallback wake-up when no signal comes (another instance accepted the order, retries due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>/health/ready turns Degraded when the oldest order still waiting for RRR was accepted longer ago than this.</summary>
    public TimeSpan HealthMaxBacklogAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a paid order of a buyer RRR does not know as linked is held (status HELD, from RRR's first not_linked)
    /// for the buyer to link and claim the points; then it dead-letters as hold_expired. Zero: no hold, not_linked
    /// dead-letters at once.
    /// </summary>
    public TimeSpan HoldUnlinkedFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Off in tools and tests that drive <see cref="EarnDispatcher.RunOnceAsync"/> themselves.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>The tier <paramref name="plan"/> earns; false for a plan the map does not know.</summary>
    public bool TryTierFor(string plan, [NotNullWhen(true)] out string? tier) =>
        MembershipTiers.TryGetValue(plan, out tier) && !string.IsNullOrEmpty(tier);

    public long PointsFor(EarnProduct product) => PointsPerUnit.TryGetValue(product.ToString(), out var points) ? points : 0;

    /// <summary>What XCN expects RRR to credit: whole currency units times the product's rule (RRR floors too).</summary>
    public long ExpectedPoints(EarnProduct product, decimal amount) => (long)decimal.Floor(amount) * PointsFor(product);
}

/// <summary>Names every bad setting by its path.</summary>
public sealed partial class EarnOptionsValidator : IValidateOptions<EarnOptions>
{
    /// <summary>A year: longer than any refund window XCN has, and bounded so held rows never pile up for ever.</summary>
    private static readonly TimeSpan MaxHold = TimeSpan.FromDays(365);

    public ValidateOptionsResult Validate(string? name, EarnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Currency is null || !CurrencyCode().IsMatch(options.Currency))
        {
            failures.Add("Earn:Currency must be an ISO 4217 code of three capital letters, e.g. USD.");
        }

        foreach (var product in Enum.GetValues<EarnProduct>())
        {
            if (options.PointsPerUnit is null || !options.PointsPerUnit.TryGetValue(product.ToString(), out var points) || points <= 0)
            {
                failures.Add($"Earn:PointsPerUnit:{product} must be a whole number above 0.");
            }
        }

        if (options.PointsPerUnit is not null)
        {
            foreach (var key in options.PointsPerUnit.Keys.Where(k => !Enum.TryParse<EarnProduct>(k, ignoreCase: true, out _)))
            {
                failures.Add($"Earn:PointsPerUnit:{key} is not a product (Tokens, Membership).");
            }
        }

        if (options.MembershipTiers is null || options.MembershipTiers.Count == 0)
        {
            failures.Add("Earn:MembershipTiers must map at least one plan, e.g. Earn:MembershipTiers:monthly = BASIC.");
        }
        else
        {
            foreach (var (plan, tier) in options.MembershipTiers)
            {
                if (!PlanCode().IsMatch(plan))
                {
                    failures.Add($"Earn:MembershipTiers:{plan} is not a plan code: 1–64 letters, digits, '_', '-', '.', ':'.");
                }
                else if (tier is null || !TierCode().IsMatch(tier))
                {
                    failures.Add($"Earn:MembershipTiers:{plan} must be a tier code: 1–32 capital letters, digits or '_', starting with a letter, e.g. PREMIUM.");
                }
            }
        }

        if (!Enum.IsDefined(options.PostingMode))
        {
            failures.Add("Earn:PostingMode must be Immediate or Pending.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add("Earn:MaxAttempts must be between 1 and 100.");
        }

        if (options.FirstRetryDelay <= TimeSpan.Zero || options.FirstRetryDelay > options.MaxRetryDelay)
        {
            failures.Add("Earn:FirstRetryDelay must be above 0 and at most Earn:MaxRetryDelay.");
        }

        if (options.Lease < TimeSpan.FromSeconds(1))
        {
            failures.Add("Earn:Lease must be at least 1 second.");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add("Earn:BatchSize must be between 1 and 1000.");
        }

        if (options.MaxConcurrency is < 1 or > 64)
        {
            failures.Add("Earn:MaxConcurrency must be between 1 and 64.");
        }

        if (options.HealthMaxBacklogAge <= TimeSpan.Zero)
        {
            failures.Add("Earn:HealthMaxBacklogAge must be above 0.");
        }

        if (options.HoldUnlinkedFor < TimeSpan.Zero || options.HoldUnlinkedFor > MaxHold)
        {
            failures.Add("Earn:HoldUnlinkedFor must be between 0 (no hold) and 365 days.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("Earn:PollInterval must be above 0.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyCode();

    // The order endpoints' id rule: a plan code travels in the outbox row and RRR's body, never free text.
    [GeneratedRegex(@"^[A-Za-z0-9_.:-]{1,64}\z")]
    private static partial Regex PlanCode();

    [GeneratedRegex(@"^[A-Z][A-Z0-9_]{0,31}\z")]
    private static partial Regex TierCode();
}
