using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Rrr.Portal.Tests.Support;

/// <summary>The framework's resource localizer for tests that build a class by hand (a validator with its messages in resx).</summary>
public static class TestLocalizer
{
    public static IStringLocalizer<T> For<T>() =>
        new StringLocalizer<T>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));
}
