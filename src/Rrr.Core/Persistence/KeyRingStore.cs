namespace Rrr.Core.Persistence;

/// <summary>Durable home of the ASP.NET Core data-protection key ring, so restarts keep sessions.</summary>
public interface IKeyRingStore
{
    Task<IReadOnlyList<StoredKey>> GetAllAsync(CancellationToken cancellationToken);

    /// <summary>Stores a key; saving the same friendly name twice replaces the earlier XML.</summary>
    Task SaveAsync(StoredKey key, CancellationToken cancellationToken);
}

public sealed record StoredKey(string FriendlyName, string Xml, DateTimeOffset CreatedAt);
