namespace Rrr.Portal.Features.Adjustments;

/// <summary>The adjustments page's texts (AdjustmentText.resx, AdjustmentText.es.resx); the form's validation messages live with the validator in Core. Only a name for <c>IStringLocalizer&lt;AdjustmentText&gt;</c>.</summary>
public sealed class AdjustmentText
{
}
