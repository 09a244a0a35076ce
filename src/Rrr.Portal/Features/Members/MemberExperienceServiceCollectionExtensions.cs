using Microsoft.FeatureManagement;
using Rrr.Core.Features.Members;

namespace Rrr.Portal.Features.Members;

public static class MemberExperienceServiceCollectionExtensions
{
    /// <summary>
    /// Feature flags (section <c>FeatureManagement</c>, names in <see cref="Rrr.Core.Features.PortalFeatures"/>)
    /// and the member services with the circuit's identity behind them.
    /// </summary>
    public static IServiceCollection AddMemberExperience(this IServiceCollection services)
    {
        services.AddFeatureManagement();
        services.AddScoped<IMemberIdentity, ClaimsMemberIdentity>();
        services.AddMemberServices();
        return services;
    }
}
