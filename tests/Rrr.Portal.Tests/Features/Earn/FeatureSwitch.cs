using Microsoft.FeatureManagement;
using Rrr.Core.Features;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>A feature manager whose flags a test flips between passes; unknown flags are off, like FeatureManagement's own.</summary>
internal sealed class FeatureSwitch : IFeatureManager
{
    private readonly HashSet<string> on = new(StringComparer.Ordinal);

    public FeatureSwitch(params string[] enabled) => on.UnionWith(enabled);

    public static FeatureSwitch AutomaticEarnOn() => new(PortalFeatures.AutomaticEarn);

    public void Set(string feature, bool enabled)
    {
        if (enabled)
        {
            on.Add(feature);
        }
        else
        {
            on.Remove(feature);
        }
    }

    public async IAsyncEnumerable<string> GetFeatureNamesAsync()
    {
        await Task.Yield();
        foreach (var name in on.ToList())
        {
            yield return name;
        }
    }

    public Task<bool> IsEnabledAsync(string feature) => Task.FromResult(on.Contains(feature));

    public Task<bool> IsEnabledAsync<TContext>(string feature, TContext context) => IsEnabledAsync(feature);
}
