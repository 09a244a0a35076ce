using Rrr.Portal.Features.Adjustments;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Adjustments;

/// <summary>
/// AdjustmentRefusals picks the Spanish words by Core's English sentence; a sentence reworded in Core would fall
/// back to English silently. This keeps the two in step until Core words its refusals through a localizer itself.
/// </summary>
public sealed class AdjustmentRefusalsTests
{
    [Fact]
    public void EverySentenceItKnows_IsStillWrittenByCore()
    {
        var core = string.Join("\n", Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "src", "Rrr.Core"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText));

        var gone = AdjustmentRefusals.KnownSentences.Where(s => !core.Contains("\"" + s + "\"", StringComparison.Ordinal)).ToList();

        Assert.True(AdjustmentRefusals.KnownSentences.Count > 10);
        Assert.True(gone.Count == 0, "Core no longer writes these refusals word for word; update AdjustmentRefusals:\n" + string.Join("\n", gone));
    }
}
