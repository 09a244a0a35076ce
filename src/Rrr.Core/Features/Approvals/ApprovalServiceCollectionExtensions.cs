using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Rrr.Core.Features.Approvals;

public static class ApprovalServiceCollectionExtensions
{
    /// <summary>
    /// The maker-checker engine, its options and the chain key (<c>Approvals:ChainKey</c>, validated at start-up; a
    /// published default only in Development). Needs the store (<c>AddPortalStore</c>) for <see cref="IApprovalStore"/>.
    /// </summary>
    public static IServiceCollection AddApprovalEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section);
        services.AddOptions<ApprovalChainOptions>().BindConfiguration(ApprovalOptions.Section)
            .PostConfigure<IHostEnvironment>(ApprovalChainOptions.UseDevelopmentKeyWhenUnset)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalChainOptions>, ApprovalChainOptionsValidator>());
        services.TryAddSingleton<ApprovalChainKeys>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApprovalEngine>();
        return services;
    }
}
