using Microsoft.Extensions.Localization;

namespace Rrr.Core.Features.Awards;

/// <summary>
/// What the award dialog sends. No model, room or stream id: the model is the signed-in user and the
/// room comes from XCN's directory, so a tampered form can only name a viewer and an amount.
/// </summary>
/// <param name="ClientAwardId">From <see cref="AwardService.NewClientAwardId"/>, made once per dialog opening.</param>
public sealed record AwardRequest(string ClientAwardId, string? ViewerXcnUserId, long? Points);

/// <summary>Configuration section <c>Awards</c>.</summary>
public sealed class AwardOptions
{
    public const string Section = "Awards";

    /// <summary>The most points one award may carry (a typo guard; RRR still checks the model's balance).</summary>
    public long MaxPoints { get; set; } = 10_000;

    /// <summary>
    /// The most points one stream may give out in all (committed and still pending awards), so a model cannot empty
    /// their balance in one show by mistake; null: no budget.
    /// </summary>
    public long? StreamBudget { get; set; }

    /// <summary>The preset amounts the dialog offers as chips.</summary>
    public List<long> Presets { get; init; } = [];

    public IReadOnlyList<long> EffectivePresets => Presets.Count > 0 ? Presets : [10, 50, 100, 500];
}

/// <summary>
/// Field-level rules; property names match <see cref="AwardRequest"/> so the dialog can show each under its field.
/// Messages are made when a rule fails (FluentValidation's message factory), so they follow that request's language.
/// </summary>
public sealed class AwardRequestValidator : AbstractValidator<AwardRequest>
{
    public AwardRequestValidator(IOptions<AwardOptions> options, IStringLocalizer<AwardMessages> text)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(text);
        var max = options.Value.MaxPoints;
        RuleFor(r => r.ClientAwardId)
            .NotEmpty()
            .MaximumLength(64)
            .Must(id => id.All(c => c is > ' ' and <= '~')).WithMessage(_ => text["AwardIdMalformed"]);
        RuleFor(r => r.ViewerXcnUserId).NotEmpty().WithMessage(_ => text["ChooseViewer"]);
        RuleFor(r => r.Points)
            .NotNull().WithMessage(_ => text["ChoosePoints"])
            .InclusiveBetween(1, max).WithMessage(_ => text["PointsRange", max.ToString("N0", CultureInfo.CurrentCulture)]);
    }
}
