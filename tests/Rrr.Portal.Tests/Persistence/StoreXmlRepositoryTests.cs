using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Persistence;

namespace Rrr.Portal.Tests.Persistence;

public sealed class StoreXmlRepositoryTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemoryKeyRing keyRing = new();
    private readonly StoreXmlRepository repository;

    public StoreXmlRepositoryTests() => repository = new StoreXmlRepository(keyRing, new FakeTimeProvider(Now));

    [Fact]
    public void StoredElement_IsReadBack()
    {
        var element = XElement.Parse("""<key id="1" version="1"><creationDate>2025-03-01</creationDate></key>""");

        repository.StoreElement(element, "key-1");

        var stored = Assert.Single(repository.GetAllElements());
        Assert.True(XNode.DeepEquals(element, stored));
    }

    [Fact]
    public void StoredElement_IsSavedUnderItsFriendlyNameAtTheCurrentTime()
    {
        repository.StoreElement(new XElement("key"), "key-1");

        var saved = Assert.Single(keyRing.Keys.Values);
        Assert.Equal("key-1", saved.FriendlyName);
        Assert.Equal(Now, saved.CreatedAt);
    }

    [Fact]
    public void StoreElement_SameFriendlyName_ReplacesTheEarlierElement()
    {
        repository.StoreElement(new XElement("key", new XAttribute("version", 1)), "key-1");
        repository.StoreElement(new XElement("key", new XAttribute("version", 2)), "key-1");

        var stored = Assert.Single(repository.GetAllElements());
        Assert.Equal("2", stored.Attribute("version")?.Value);
    }

    [Fact]
    public void StoreElement_WithoutFriendlyName_KeepsEveryElement()
    {
        repository.StoreElement(new XElement("a"), "");
        repository.StoreElement(new XElement("b"), "");

        Assert.Equal(2, repository.GetAllElements().Count);
    }

    [Fact]
    public async Task StoreElement_OnACallerContextThatIsBlocked_DoesNotDeadlock()
    {
        // A Blazor circuit's context runs posted continuations only on its own thread; if the bridge
        // let the store's continuation come back to it while that thread blocks, it would hang.
        var blocking = Task.Factory.StartNew(
            () =>
            {
                SynchronizationContext.SetSynchronizationContext(new NeverRunsPostsContext());
                repository.StoreElement(new XElement("key"), "key-1");
                return repository.GetAllElements().Count;
            },
            Ct,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        Assert.Equal(1, await blocking.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class NeverRunsPostsContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
            // Dropped on purpose: the owning thread is blocked, so nothing posted here would run.
        }
    }

    /// <summary>Awaits a real delay so continuations are posted back, as a database driver's would be.</summary>
    private sealed class InMemoryKeyRing : IKeyRingStore
    {
        public ConcurrentDictionary<string, StoredKey> Keys { get; } = new();

        public async Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(5, cancellationToken);
            return [.. Keys.Values.OrderBy(k => k.CreatedAt)];
        }

        public async Task SaveAsync(StoredKey key, CancellationToken cancellationToken)
        {
            await Task.Delay(5, cancellationToken);
            Keys[key.FriendlyName] = key;
        }
    }
}
