using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Rrr.Portal.Tests.Support;

/// <summary>The app's resource localizer for a test that builds a validator or a service by hand (no container).</summary>
public static class TestLocalizer
{
    public static IStringLocalizer<T> For<T>() =>
        new StringLocalizer<T>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));
}
