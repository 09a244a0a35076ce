namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// The words of notifications, of the points panel's notes (the same sentence for the same event), of the bell and
/// of the inbox (NotificationWords.resx, NotificationWords.es.resx). Only a name for
/// <c>IStringLocalizer&lt;NotificationWords&gt;</c>: the resources carry the texts.
/// </summary>
public sealed class NotificationWords
{
}
