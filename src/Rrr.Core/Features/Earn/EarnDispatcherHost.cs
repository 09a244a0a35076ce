namespace Rrr.Core.Features.Earn;

/// <summary>
/// Hosts the <see cref="EarnDispatcher"/>. It resolves the dispatcher (and with it the RRR client) only once
/// the host runs, after start-up validation: resolving the client while hosted services are being built
/// would read its options early and hide every other misconfiguration behind the first one.
/// </summary>
public sealed class EarnDispatcherHost(IServiceProvider services) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        services.GetRequiredService<EarnDispatcher>().RunAsync(stoppingToken);
}
