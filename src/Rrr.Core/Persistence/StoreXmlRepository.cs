using System.Collections.ObjectModel;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Rrr.Core.Persistence;

/// <summary>
/// Keeps the data-protection key ring in the active store, so every portal instance and every
/// restart decrypts the same cookies and antiforgery tokens.
/// </summary>
public sealed class StoreXmlRepository(IKeyRingStore keyRing, TimeProvider timeProvider) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var keys = RunSynchronously(keyRing.GetAllAsync);
        return new ReadOnlyCollection<XElement>([.. keys.Select(k => XElement.Parse(k.Xml))]);
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);

        // The key manager always names its keys ("key-{id}"); an unnamed element must still get a
        // unique name, or it would replace whichever other unnamed element came before it.
        var name = string.IsNullOrWhiteSpace(friendlyName) ? $"element-{Guid.NewGuid():N}" : friendlyName;
        var key = new StoredKey(name, element.ToString(SaveOptions.DisableFormatting), timeProvider.GetUtcNow());
        RunSynchronously(ct => keyRing.SaveAsync(key, ct));
    }

    // IXmlRepository is synchronous, and the key manager calls it rarely (start-up, key-ring
    // refresh, key creation), so blocking a thread briefly is acceptable. Task.Run moves the async
    // work off the caller's context first: a Blazor Server circuit has a SynchronizationContext,
    // and blocking on it while the awaited continuation needs it would deadlock.
    private static T RunSynchronously<T>(Func<CancellationToken, Task<T>> operation) =>
        Task.Run(() => operation(CancellationToken.None)).GetAwaiter().GetResult();

    private static void RunSynchronously(Func<CancellationToken, Task> operation) =>
        Task.Run(() => operation(CancellationToken.None)).GetAwaiter().GetResult();
}
