namespace Rrr.Persistence.Mongo;

/// <summary>
/// The one way this adapter runs several writes as a unit: <paramref name="work"/> runs in a multi-document
/// transaction (retried as a whole on a transient error, e.g. a write conflict with another instance) and
/// commits only when it returns; when it throws, nothing it wrote is kept. A seam so tests can fake it.
/// </summary>
internal interface IMongoTransactions
{
    Task<T> InTransactionAsync<T>(Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
