namespace Rrr.Core.Features.Links;

/// <summary>
/// The wizard's field messages, in the member's language (LinkWizardText.resx, LinkWizardText.es.resx): the service
/// puts them in <see cref="LinkWizardState.FieldErrors"/>, the page shows them under the field. Only a name for
/// <c>IStringLocalizer&lt;LinkWizardText&gt;</c>: the resources carry the texts.
/// </summary>
public sealed class LinkWizardText
{
}
