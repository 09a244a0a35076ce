namespace Rrr.Sandbox.Webhooks;

/// <summary>Delivery timing. Defaults are the contract's (docs/rrr-wire.md, Webhooks); tests may shorten them.</summary>
public sealed record WebhookDeliveryOptions
{
    /// <summary>Wait after the 1st, 2nd, … failed attempt; past the end of the list, <see cref="SteadyBackoff"/>.</summary>
    public IReadOnlyList<TimeSpan> Backoff { get; init; } =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1),
    ];

    public TimeSpan SteadyBackoff { get; init; } = TimeSpan.FromHours(6);

    /// <summary>No attempt is scheduled later than this after the event was created (real time).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromDays(3);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts in flight at once; events start in creation order.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Longest sleep with nothing due; publishing and re-sending wake the dispatcher earlier.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMinutes(1);

    /// <returns>When to try again after failed attempt number <paramref name="attempt"/>, or null to give up.</returns>
    public DateTimeOffset? NextAttemptAfterFailure(int attempt, DateTimeOffset attemptedAt, DateTimeOffset enqueuedAt)
    {
        var wait = attempt >= 1 && attempt <= Backoff.Count ? Backoff[attempt - 1] : SteadyBackoff;
        var next = attemptedAt + wait;
        return next <= enqueuedAt + GiveUpAfter ? next : null;
    }
}
