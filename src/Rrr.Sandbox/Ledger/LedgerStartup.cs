namespace Rrr.Sandbox.Ledger;

/// <summary>Creates and seeds the ledger before Kestrel takes requests; runs due work whenever the clock moves.</summary>
internal sealed class LedgerStartup(LedgerMembers members, LedgerBook book, IdempotencyStore idempotency, SandboxClock clock) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await members.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await idempotency.InitializeAsync(cancellationToken).ConfigureAwait(false);
        clock.Advanced += OnAdvancedAsync;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        clock.Advanced -= OnAdvancedAsync;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task OnAdvancedAsync(DateTimeOffset now, CancellationToken cancellationToken) => book.RunDueWorkAsync(cancellationToken);
}
