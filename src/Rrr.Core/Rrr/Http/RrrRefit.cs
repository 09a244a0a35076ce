using System.Reflection;

namespace Rrr.Core.Rrr.Http;

/// <summary>The Refit settings every RRR client shares.</summary>
internal static class RrrRefit
{
    public static RefitSettings Settings { get; } = Create();

    private static RefitSettings Create()
    {
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(RrrJson.Options), new RrrUrlParameterFormatter());

        // RrrProblemHandler has already turned transport failures into RRR exceptions; wrapping them in
        // ApiRequestException would hide the type callers catch. Everything else passes unchanged too.
        settings.TransportExceptionFactory = (_, exception, _) => exception;
        return settings;
    }

    /// <summary>Query values in wire form: enums UPPER_SNAKE (like the JSON), numbers invariant.</summary>
    private sealed class RrrUrlParameterFormatter : DefaultUrlParameterFormatter
    {
        public override string? Format(object? value, ICustomAttributeProvider attributeProvider, Type type) => value switch
        {
            Enum e => JsonNamingPolicy.SnakeCaseUpper.ConvertName(e.ToString()),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => base.Format(value, attributeProvider, type),
        };
    }
}
