using Microsoft.FeatureManagement;
using Rrr.Core.Features;

namespace Rrr.Bench.EarnOutbox;

/// <summary>The dispatcher checks the AutomaticEarn flag every pass; the bench measures it on, read from configuration as in the portal.</summary>
internal static class BenchFeatures
{
    public static IFeatureManager AutomaticEarnOn { get; } = new FeatureManager(
        new ConfigurationFeatureDefinitionProvider(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FeatureManagement:" + PortalFeatures.AutomaticEarn] = "true" })
            .Build()),
        new FeatureManagementOptions());
}
