using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rrr.Core.Features.Approvals;

namespace Rrr.Core.Features.Adjustments;

public static class AdjustmentServiceCollectionExtensions
{
    /// <summary>
    /// Adjustments on the approval engine: the admin service (scoped, like the identity it starts from), the
    /// RRR posting and the listener that re-reads RRR on ADJUSTMENT_STATUS_CHANGED. Needs an
    /// <see cref="IAdminIdentity"/>, the store, the RRR client and the event bus.
    /// </summary>
    public static IServiceCollection AddRrrAdjustments(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddApprovalEngine();
        services.TryAddSingleton<IValidator<AdjustmentForm>, AdjustmentFormValidator>();
        PortalEvents.AddTo(services);
        services.TryAddSingleton<AdjustmentPosting>();
        services.AddHostedService<AdjustmentStatusListener>();
        services.TryAddScoped<AdjustmentService>();
        return services;
    }
}
