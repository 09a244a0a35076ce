using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Promotions;
using Rrr.Core.Rrr.Promotions;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Promotions;

public sealed class PromotionFormValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);
    private readonly PromotionFormValidator validator = new(new FakeTimeProvider(Now), TestLocalizer.For<PromotionFormText>());

    [Fact]
    public void AGoodForm_IsValid()
    {
        Assert.True(validator.Validate(Good()).IsValid);
    }

    [Theory]
    [InlineData("", "Enter a name.")]
    [InlineData("ab", "A name has 3 to 80 characters.")]
    [InlineData("  ab  ", "A name has 3 to 80 characters.")]
    public void Name_IsRequired_3To80(string name, string message)
    {
        var form = Good();
        form.Name = name;

        Assert.Equal([message], Messages(form, nameof(PromotionForm.Name)));
    }

    [Fact]
    public void Name_Of81Characters_IsRefused_80IsFine()
    {
        var form = Good();
        form.Name = new string('a', 81);
        var too = Messages(form, nameof(PromotionForm.Name));
        form.Name = new string('a', 80);

        Assert.Equal(["A name has 3 to 80 characters."], too);
        Assert.Empty(Messages(form, nameof(PromotionForm.Name)));
    }

    [Theory]
    [InlineData("1", "A multiplier is above 1 and at most 10.")]
    [InlineData("10.01", "A multiplier is above 1 and at most 10.")]
    [InlineData("1.555", "A multiplier has at most 2 decimals.")]
    [InlineData("1.01", null)]
    [InlineData("10", null)]
    [InlineData("2.25", null)]
    public void Multiplier_IsAbove1_AtMost10_TwoDecimals(string value, string? message)
    {
        var form = Good();
        form.Kind = PromotionKind.Multiplier;
        form.Value = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(message is null ? [] : [message], Messages(form, nameof(PromotionForm.Value)));
    }

    [Theory]
    [InlineData("0", "Bonus points are 1 to 100,000.")]
    [InlineData("100001", "Bonus points are 1 to 100,000.")]
    [InlineData("10.5", "Bonus points are a whole number.")]
    [InlineData("1", null)]
    [InlineData("100000", null)]
    public void BonusPoints_AreWhole_1To100000(string value, string? message)
    {
        var form = Good();
        form.Kind = PromotionKind.BonusPoints;
        form.Value = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(message is null ? [] : [message], Messages(form, nameof(PromotionForm.Value)));
    }

    [Fact]
    public void Start_InThePast_IsRefused()
    {
        var form = Good();
        form.StartsAtUtc = Now.UtcDateTime.AddHours(-1);

        Assert.Equal(["The start must not be in the past."], Messages(form, nameof(PromotionForm.StartsAtUtc)));
    }

    [Fact]
    public void End_BeforeStart_OrBeyond365Days_IsRefused()
    {
        var form = Good();
        form.EndsAtUtc = form.StartsAtUtc!.Value.AddHours(-1);
        var before = Messages(form, nameof(PromotionForm.EndsAtUtc));
        form.EndsAtUtc = Now.UtcDateTime.AddDays(366);
        var tooFar = Messages(form, nameof(PromotionForm.EndsAtUtc));
        form.EndsAtUtc = Now.UtcDateTime.AddDays(365);

        Assert.Equal(["The end must be after the start."], before);
        Assert.Equal(["The end must be within 365 days from now."], tooFar);
        Assert.Empty(Messages(form, nameof(PromotionForm.EndsAtUtc)));
    }

    [Theory]
    [InlineData(0L, "The budget cap is 1 to 10,000,000 points.")]
    [InlineData(10_000_001L, "The budget cap is 1 to 10,000,000 points.")]
    [InlineData(null, "Enter a budget cap.")]
    [InlineData(10_000_000L, null)]
    public void BudgetCap_Is1To10Million(long? cap, string? message)
    {
        var form = Good();
        form.BudgetCapPoints = cap;

        Assert.Equal(message is null ? [] : [message], Messages(form, nameof(PromotionForm.BudgetCapPoints)));
    }

    [Fact]
    public void MissingChoices_AreNamedPerField()
    {
        var result = validator.Validate(new PromotionForm { Name = "Winter double" });

        var fields = result.Errors.Select(e => e.PropertyName).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [nameof(PromotionForm.Audience), nameof(PromotionForm.BudgetCapPoints), nameof(PromotionForm.EndsAtUtc),
             nameof(PromotionForm.Kind), nameof(PromotionForm.StartsAtUtc), nameof(PromotionForm.Value)],
            fields);
    }

    private List<string> Messages(PromotionForm form, string field) =>
        validator.MessagesFor(form, field).ToList();

    private static PromotionForm Good() => new()
    {
        Name = "Winter double points",
        Kind = PromotionKind.Multiplier,
        Value = 2m,
        StartsAtUtc = Now.UtcDateTime.AddDays(1),
        EndsAtUtc = Now.UtcDateTime.AddDays(30),
        Audience = PromotionAudience.AllMembers,
        BudgetCapPoints = 100_000,
    };
}
