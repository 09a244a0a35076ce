namespace Rrr.Sandbox.Storage;

/// <summary>Creates the sandbox's tables and loads persisted state before Kestrel takes requests.</summary>
internal sealed class SandboxStartup(SandboxClock clock) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => clock.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
