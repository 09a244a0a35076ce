using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Rrr.Core.Features.Approvals;

public static class ApprovalServiceCollectionExtensions
{
    /// <summary>The maker-checker engine and its options. Needs the store (<c>AddPortalStore</c>) for <see cref="IApprovalStore"/>.</summary>
    public static IServiceCollection AddApprovalEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApprovalEngine>();
        return services;
    }
}
