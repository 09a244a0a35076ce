using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Wallet;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Wallet;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>The plan → tier map (its defaults, binding and start-up rules), the plan as part of the fact, and the earn body.</summary>
public sealed class MembershipTierTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-tier-tests", Guid.NewGuid().ToString("N"));
    private SqlitePorts sqlite = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sqlite = SqlitePorts.Open(root, "portal.db");
        await sqlite.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private static EarnOrder Membership(string order, string? plan = "yearly", string? tier = "PREMIUM") =>
        new(order, OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Membership, new Money(99.00m, "USD"), T0, T0, plan, tier);

    private static string Failures(EarnOptions options)
    {
        var result = new EarnOptionsValidator().Validate(null, options);
        return result.Failed ? result.FailureMessage : "";
    }

    [Fact]
    public void Defaults_MapMonthlyToBasic_AndYearlyToPremium_IgnoringCase_AndKnowNoOtherPlan()
    {
        var options = new EarnOptions();

        Assert.True(options.TryTierFor("monthly", out var monthly));
        Assert.True(options.TryTierFor("YEARLY", out var yearly));
        Assert.Equal(("BASIC", "PREMIUM"), (monthly, yearly));
        Assert.False(options.TryTierFor("weekly", out var unknown));
        Assert.Null(unknown);
        Assert.Equal("", Failures(options));
    }

    [Fact]
    public void Configuration_AddsPlansAndRemapsDefaults()
    {
        var options = new EarnOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Earn:MembershipTiers:quarterly"] = "GOLD",
            ["Earn:MembershipTiers:Monthly"] = "STANDARD",
        }).Build().GetSection(EarnOptions.Section).Bind(options);

        Assert.Equal(3, options.MembershipTiers.Count);
        Assert.True(options.TryTierFor("quarterly", out var quarterly));
        Assert.True(options.TryTierFor("monthly", out var monthly));
        Assert.Equal(("GOLD", "STANDARD"), (quarterly, monthly));
    }

    [Theory]
    [InlineData("monthly", "premium", "Earn:MembershipTiers:monthly must be a tier code")]
    [InlineData("monthly", "", "Earn:MembershipTiers:monthly must be a tier code")]
    [InlineData("monthly", "GOLD TIER", "Earn:MembershipTiers:monthly must be a tier code")]
    [InlineData("month ly", "BASIC", "Earn:MembershipTiers:month ly is not a plan code")]
    public void ABadEntry_IsRefusedAtStartUp_NamingTheSetting(string plan, string tier, string expected)
    {
        var options = new EarnOptions { MembershipTiers = new(StringComparer.OrdinalIgnoreCase) { [plan] = tier } };

        Assert.Contains(expected, Failures(options), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyMap_IsRefusedAtStartUp()
    {
        Assert.Contains("Earn:MembershipTiers must map at least one plan", Failures(new EarnOptions { MembershipTiers = [] }), StringComparison.Ordinal);
    }

    [Fact]
    public void ThePlanIsPartOfTheFact_TheDerivedTierIsNot()
    {
        var first = Membership("o1");

        Assert.True(first.SameFactAs(first with { Tier = "GOLD", AcceptedAt = T0.AddMinutes(1) }));
        Assert.False(first.SameFactAs(first with { MembershipPlan = "monthly" }));
        Assert.False(first.SameFactAs(first with { MembershipPlan = null }));
    }

    [Fact]
    public async Task ThePostedEarn_CarriesThePlanAndTheTierStoredWithTheOrder_NotTodaysMap()
    {
        var rrr = new FakeEarnApi();
        var settings = new EarnOptions { MembershipTiers = new(StringComparer.OrdinalIgnoreCase) { ["yearly"] = "GOLD" } };
        await sqlite.Outbox.TryAddManyAsync(
            [Membership("o1"), new EarnOrder("o2", OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Tokens, new Money(5m, "USD"), T0, T0)], Ct);
        var time = new FakeTimeProvider(T0);
        var signal = new EarnSignal();
        var dispatcher = new EarnDispatcher(
            sqlite.Outbox, rrr, signal, time, Options.Create(settings), NullLogger<EarnDispatcher>.Instance,
            FeatureSwitch.AutomaticEarnOn(),
            new HeldEarnings(sqlite.Outbox, signal, new PortalEvents(NullLogger<PortalEvents>.Instance), time, Options.Create(settings), NullLogger<HeldEarnings>.Instance));

        Assert.Equal(2, await dispatcher.RunOnceAsync(Ct));

        var requests = rrr.Requests.OrderBy(r => r.OrderNumber).ToList();
        Assert.Equal(("yearly", "PREMIUM"), (requests[0].MembershipPlan, requests[0].Tier));
        Assert.Equal((null, null), (requests[1].MembershipPlan, requests[1].Tier));
        Assert.Equal(1, rrr.CallsPerKey[IdempotencyKeys.EarnMembership("o1")]);
    }

    [Fact]
    public void TheEarnBody_NamesPlanAndTier_AndLeavesThemOutWhenNull()
    {
        var membership = new EarnEventRequest(
            "xcn_u_1001", "o1", EarnProduct.Membership, new Money(9.99m, "USD"), PostingMode.Immediate, MembershipPlan: "monthly", Tier: "BASIC");
        var tokens = membership with { Product = EarnProduct.Tokens, MembershipPlan = null, Tier = null };

        using var withTier = JsonDocument.Parse(JsonSerializer.Serialize(membership, RrrJson.Options));
        using var without = JsonDocument.Parse(JsonSerializer.Serialize(tokens, RrrJson.Options));

        Assert.Equal(("monthly", "BASIC"), (withTier.RootElement.GetProperty("membership_plan").GetString(), withTier.RootElement.GetProperty("tier").GetString()));
        Assert.False(without.RootElement.TryGetProperty("membership_plan", out _));
        Assert.False(without.RootElement.TryGetProperty("tier", out _));
    }

    [Fact]
    public void TheWalletSnapshot_KeepsTheTier_AndOneStoredBeforeTiersReadsAsNone()
    {
        var wallet = new MemberWallet("rrr_m_1001", 1250, 40, 0, [], T0, 7, "PREMIUM");
        var old = new WalletSnapshot("rrr_m_1001",
            """{"rrr_member_id":"rrr_m_1001","available_points":1250,"pending_points":40,"escrow_points":0,"expiring_soon":[],"as_of":"2026-12-01T12:00:00Z","version":6}""",
            T0, T0, 6);

        Assert.Equal("PREMIUM", WalletSnapshot.Of(wallet, T0).ToWallet().Tier);
        Assert.Null(old.ToWallet().Tier);
    }
}
