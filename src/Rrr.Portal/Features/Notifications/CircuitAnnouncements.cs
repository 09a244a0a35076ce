namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// One circuit's memory of the RRR events it already announced with a toast, so the points panel's note and the
/// bell's notification of the same event show once. Scoped: one per circuit.
/// </summary>
public sealed class CircuitAnnouncements
{
    private const int Remembered = 64;
    private readonly Lock gate = new();
    private readonly Queue<string> order = new();
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="eventId"/> is announced in this circuit (then show it); false after.</summary>
    public bool TryClaim(string? eventId)
    {
        if (string.IsNullOrEmpty(eventId))
        {
            return true;
        }

        lock (gate)
        {
            if (!seen.Add(eventId))
            {
                return false;
            }

            order.Enqueue(eventId);
            if (order.Count > Remembered)
            {
                seen.Remove(order.Dequeue());
            }

            return true;
        }
    }
}
