namespace Rrr.Core.Persistence;

/// <summary>
/// Creates the schema or indexes before the app serves anything. It works in StartingAsync, which
/// the host runs before any hosted service's StartAsync, because data protection's own hosted
/// service loads the key ring from the store in its StartAsync, whatever order they were added in.
/// A store that cannot initialise stops start-up, rather than failing each request later.
/// </summary>
public sealed partial class StoreInitializer(
    IStoreLifecycle store,
    IOptions<StoreOptions> options,
    ILogger<StoreInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        LogInitialized(logger, options.Value.Provider);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store initialised ({Provider})")]
    private static partial void LogInitialized(ILogger logger, StoreProvider provider);
}
