namespace Rrr.Core.Persistence;

/// <summary>Creates the schema or indexes (idempotently) and answers readiness probes.</summary>
public interface IStoreLifecycle
{
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}
