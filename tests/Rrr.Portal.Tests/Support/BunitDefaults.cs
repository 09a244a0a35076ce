using System.Runtime.CompilerServices;
using Bunit;

namespace Rrr.Portal.Tests.Support;

internal static class BunitDefaults
{
    /// <summary>
    /// bUnit's one-second default wait ran out on a loaded two-core machine while the component was still
    /// working. A wait ends as soon as its condition holds, so a longer limit costs nothing on a green run.
    /// </summary>
    [ModuleInitializer]
    internal static void LengthenWaits() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
