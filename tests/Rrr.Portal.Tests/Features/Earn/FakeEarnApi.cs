using System.Collections.Concurrent;
using System.Text.Json;
using Rrr.Core.Rrr.Earn;
using Rrr.Core.Rrr.Http;

namespace Rrr.Portal.Tests.Features.Earn;

/// <summary>
/// RRR's earn API as the dispatcher sees it: counts calls per idempotency key and, like RRR, answers a
/// repeated key with the first answer. <see cref="Behaviour"/> overrides what a call does.
/// </summary>
internal sealed class FakeEarnApi : IRrrEarnApi
{
    private readonly ConcurrentDictionary<string, EarnEvent> answers = new(StringComparer.Ordinal);
    private int sequence;

    public ConcurrentDictionary<string, int> CallsPerKey { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<EarnEventRequest> Requests { get; } = new();

    public ConcurrentQueue<(string EarnEventId, string Key)> Reversals { get; } = new();

    /// <summary>Runs before the default answer; throw to fail the call.</summary>
    public Func<EarnEventRequest, string, Task>? Behaviour { get; set; }

    public Func<string, Task>? ReverseBehaviour { get; set; }

    public int TotalCalls => CallsPerKey.Values.Sum();

    /// <summary>
    /// Like RRR, keep a refusal (a problem answer) per key and answer every later call with that key with it, whatever
    /// <see cref="Behaviour"/> says by then (RRR keeps it 24 h). Off by default: most tests script each call.
    /// </summary>
    public bool ReplaysRefusals { get; set; }

    private readonly ConcurrentDictionary<string, RrrProblemException> refusals = new(StringComparer.Ordinal);

    public async Task<EarnEvent> PostEarnEventAsync(EarnEventRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        CallsPerKey.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
        Requests.Enqueue(request);
        if (ReplaysRefusals && refusals.TryGetValue(idempotencyKey, out var stored))
        {
            throw stored;
        }

        if (Behaviour is { } behaviour)
        {
            try
            {
                // Like an HTTP call, a call still waiting gives up when the caller cancels.
                await behaviour(request, idempotencyKey).WaitAsync(cancellationToken);
            }
            catch (RrrProblemException ex) when (ReplaysRefusals && ex.Code != RrrErrorCodes.RequestInProgress)
            {
                refusals.TryAdd(idempotencyKey, ex);
                throw;
            }
        }

        await Task.Yield();
        return answers.GetOrAdd(idempotencyKey, _ => new EarnEvent(
            $"ee_{Interlocked.Increment(ref sequence)}", "rrr_m_1001", (long)decimal.Floor(request.Amount.Amount), EarnStatus.Posted, DateTimeOffset.UnixEpoch));
    }

    public async Task<EarnReversal> ReverseAsync(string earnEventId, ReverseEarnRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        CallsPerKey.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
        Reversals.Enqueue((earnEventId, idempotencyKey));
        if (ReverseBehaviour is { } behaviour)
        {
            await behaviour(earnEventId);
        }

        return new EarnReversal(earnEventId, "le_rev", 12, EarnStatus.Reversed);
    }

    public static RrrProblemException Problem(string code, int status = 422, Dictionary<string, JsonElement>? extensions = null) =>
        new(new RrrProblem { Status = status, Code = code, Extensions = extensions }, "IRrrEarnApi.PostEarnEventAsync", "trace");

    public static RrrUnavailableException Unavailable(TimeSpan? retryAfter = null) =>
        new(RrrUnavailableReason.ServerError, "IRrrEarnApi.PostEarnEventAsync", "trace", retryAfter: retryAfter);
}
