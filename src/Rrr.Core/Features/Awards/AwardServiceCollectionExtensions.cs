using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rrr.Core.Features.Awards;

public static class AwardServiceCollectionExtensions
{
    /// <summary>
    /// Model awards (scoped, one per circuit like the signed-in identity), the award rules (section
    /// <c>Awards</c>) and, unless one is registered already, the configured room directory (section
    /// <c>XcnRooms</c>; production registers XCN's own). Needs the member services, RRR client, store and
    /// the event bus (the shared viewer link hints drop a viewer's hint on LINK_UPDATED).
    /// </summary>
    public static IServiceCollection AddModelAwards(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AwardOptions>().Bind(configuration.GetSection(AwardOptions.SectionName))
            .Validate(o => o.MaxPoints >= 1, "Awards:MaxPoints must be at least 1.")
            .Validate(o => o.Presets.TrueForAll(p => p >= 1 && p <= o.MaxPoints), "Awards:Presets must lie between 1 and Awards:MaxPoints.")
            .ValidateOnStart();
        services.AddOptions<XcnRoomOptions>().Bind(configuration.GetSection(XcnRoomOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IXcnRoomDirectory, ConfiguredXcnRoomDirectory>();
        services.TryAddSingleton<IValidator<AwardRequest>, AwardRequestValidator>();
        services.TryAddSingleton<ViewerLinkHintCache>();
        services.TryAddScoped<ViewerLinkHintReader>();
        services.TryAddScoped<AwardService>();
        return services;
    }
}
