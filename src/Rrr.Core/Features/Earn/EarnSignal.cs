namespace Rrr.Core.Features.Earn;

/// <summary>Wakes the <see cref="EarnDispatcher"/> when an order was accepted or a dead letter retried.</summary>
public sealed class EarnSignal : WakeSignal;
