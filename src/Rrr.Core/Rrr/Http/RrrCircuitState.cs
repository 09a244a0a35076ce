using Polly.CircuitBreaker;

namespace Rrr.Core.Rrr.Http;

/// <summary>
/// Whether the shared RRR circuit breaker is open, i.e. recent calls failed enough that the client now
/// fails fast. Read by readiness and by screens that want to say "RRR is unavailable" before trying.
/// </summary>
public sealed class RrrCircuitState
{
    internal CircuitBreakerStateProvider Provider { get; } = new();

    public bool IsOpen => Provider.CircuitState is CircuitState.Open or CircuitState.Isolated;
}
