namespace Rrr.Portal.Components;

/// <summary>The words of TimeText's relative phrases (TimeWords.resx, TimeWords.es.resx). Only a name for <c>IStringLocalizer&lt;TimeWords&gt;</c>: the resources carry the texts.</summary>
public sealed class TimeWords
{
}
