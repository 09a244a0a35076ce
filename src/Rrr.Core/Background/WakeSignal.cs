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
}
