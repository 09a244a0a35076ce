namespace Rrr.Core.Features.Awards;

/// <summary>
/// The award rules' and outcomes' words for the model (AwardMessages.resx, AwardMessages.es.resx): the validator's
/// field messages and <see cref="AwardService"/>'s results, in the reader's language. Only a name for
/// <c>IStringLocalizer&lt;AwardMessages&gt;</c>: the resources carry the texts.
/// </summary>
public sealed class AwardMessages
{
}
