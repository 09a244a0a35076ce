namespace Rrr.Portal.Features.Earn;

/// <summary>
/// The order API's validation messages (OrderText.resx, OrderText.es.resx): problem details follow the request's
/// language (Accept-Language), English by default. Only a name for <c>IStringLocalizer&lt;OrderText&gt;</c>.
/// Numbers in them stay as JSON writes them ("12.50"), whatever the language: they describe the wire format.
/// </summary>
public sealed class OrderText
{
}
