using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Rrr.Portal.Tests.Support;

/// <summary>The app's resource-backed localizer for classes a test builds with <c>new</c> (the texts of the current UI culture).</summary>
public static class TestLocalizer
{
    public static IStringLocalizer<T> For<T>() =>
        new StringLocalizer<T>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));
}
