using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Rrr.Core.Features;
using Rrr.Core.Features.Earn;

namespace Rrr.Bench.EarnOutbox;

/// <summary>
/// The dispatcher checks the AutomaticEarn flag every pass; the bench measures it on, read from configuration as in the portal.
/// Also the dispatcher's other parts the bench builds by hand.
/// </summary>
internal static class BenchFeatures
{
    public static IFeatureManager AutomaticEarnOn { get; } = new FeatureManager(
        new ConfigurationFeatureDefinitionProvider(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FeatureManagement:" + PortalFeatures.AutomaticEarn] = "true" })
            .Build()),
        new FeatureManagementOptions());

    /// <summary>The dispatcher's held-order side (nothing is held here: the bench's buyers are linked).</summary>
    public static HeldEarnings Held(IEarnOutbox outbox, EarnOptions settings) =>
        new(outbox, new EarnSignal(), new PortalEvents(NullLogger<PortalEvents>.Instance), TimeProvider.System, Options.Create(settings),
            NullLogger<HeldEarnings>.Instance);
}
