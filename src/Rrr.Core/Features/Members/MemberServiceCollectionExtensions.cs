using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Wallet;

namespace Rrr.Core.Features.Members;

public static class MemberServiceCollectionExtensions
{
    /// <summary>
    /// Member services, scoped (one per circuit, like the signed-in identity they start from). Needs an
    /// <see cref="IMemberIdentity"/> (the portal's), the RRR client (<c>AddRrrClient</c>) and the store
    /// (<c>AddPortalStore</c>, which provides the wallet and link snapshot stores).
    /// </summary>
    public static IServiceCollection AddMemberServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MemberActionLimits>();
        services.TryAddSingleton<MemberActionLimiter>();
        PortalEvents.AddTo(services);
        services.TryAddScoped<LinkStatusService>();
        services.TryAddScoped<CurrentMemberService>();
        services.TryAddScoped<WalletService>();
        services.TryAddScoped<LinkWizardService>();
        services.TryAddScoped<Sso.SsoLaunchService>();
        return services;
    }
}
