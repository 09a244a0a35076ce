namespace Rrr.Sandbox.Faults;

/// <summary>What <c>PUT /sandbox/faults</c> sets; <see cref="FailNext"/> counts down as calls fail.</summary>
public sealed record FaultSettings
{
    public int LatencyMs { get; init; }

    /// <summary>Share of <c>/v1</c> calls (0–1) answered with a random 500 or 503 before the endpoint runs.</summary>
    public decimal ErrorRate { get; init; }

    public bool Outage { get; init; }

    public FailNextSettings FailNext { get; init; } = new();
}

public sealed record FailNextSettings
{
    public int Count { get; init; }

    public int Status { get; init; } = StatusCodes.Status503ServiceUnavailable;

    /// <summary>Let the call run (and change the ledger), then replace its response: the lost-response case.</summary>
    public bool AfterCommit { get; init; }
}

/// <summary>
/// The current faults, in memory only: a restart clears them, so a forgotten outage never outlives the
/// process that was being tested.
/// </summary>
internal sealed class FaultState
{
    private readonly Lock _gate = new();
    private FaultSettings _current = new();

    public FaultSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Set(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_gate)
        {
            _current = settings;
        }
    }

    /// <summary>Takes one of the <c>fail_next</c> failures, if any are left (atomically: each is used once).</summary>
    public FailNextSettings? TryTakeFailNext()
    {
        lock (_gate)
        {
            if (_current.FailNext.Count <= 0)
            {
                return null;
            }

            var taken = _current.FailNext;
            _current = _current with { FailNext = taken with { Count = taken.Count - 1 } };
            return taken;
        }
    }
}
