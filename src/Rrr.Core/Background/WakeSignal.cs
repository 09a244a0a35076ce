namespace Rrr.Core.Background;

/// <summary>
/// Wakes one background loop when there is work; signals collapse into one wake-up. Each loop has its own
/// named, sealed handle (<c>WebhookProcessorSignal</c>, <c>EarnSignal</c>) so DI gives each loop its own
/// signal and a reader sees from the type which loop a <see cref="Notify"/> wakes.
/// </summary>
public abstract class WakeSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Waits for a signal or <paramref name="timeout"/> on <paramref name="time"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await channel.Reader.WaitToReadAsync(linked.Token);
            channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
        }
    }

    /// <summary>
    /// Runs <paramref name="pass"/> on every wake-up (a signal, or <paramref name="pollInterval"/> without one)
    /// until <paramref name="stoppingToken"/> fires. A failing pass (a store outage) goes to
    /// <paramref name="onFailure"/> and the loop waits for the next wake-up: a background loop never ends on an error.
    /// </summary>
    public async Task RunAsync(
        Func<CancellationToken, Task> pass,
        TimeSpan pollInterval,
        TimeProvider time,
        Action<Exception> onFailure,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(onFailure);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the loop outlives any one failing pass; it tries again on the next wake-up
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onFailure(ex);
            }

            try
            {
                await WaitAsync(pollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
