using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rrr.Core.Features.Approvals;

namespace Rrr.Core.Features.Promotions;

public static class PromotionServiceCollectionExtensions
{
    /// <summary>
    /// Promotions on the approval engine: the admin service (scoped, like the identity it starts from), the
    /// sync and the listener that re-reads RRR on PROMOTION_STATUS_CHANGED. Needs an <c>IAdminIdentity</c>,
    /// the store, the RRR client and the event bus.
    /// </summary>
    public static IServiceCollection AddRrrPromotions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddApprovalEngine();
        services.TryAddSingleton<PromotionFormValidator>();
        services.TryAddSingleton<IValidator<PromotionForm>>(sp => sp.GetRequiredService<PromotionFormValidator>());
        PortalEvents.AddTo(services);
        services.TryAddSingleton<PromotionSync>();
        services.AddHostedService<PromotionStatusListener>();
        services.TryAddScoped<PromotionService>();
        return services;
    }
}
