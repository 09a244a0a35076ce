namespace Rrr.Portal.Features.Notifications;

/// <summary>
/// Who says an RRR event with a toast in this circuit, once: the bell when the page has one (it is on every page,
/// and it speaks only once the notification is stored), else the points panel; and a memory of the events already
/// announced, so the same event never shows twice. A page that reports an event in its own words claims it as the event
/// arrives (the model room its awards: <c>OwnAwardAnnouncements</c>). Scoped: one per circuit.
/// </summary>
public sealed class CircuitAnnouncements
{
    private const int Remembered = 64;
    private readonly Lock gate = new();
    private int bells;

    /// <summary>True while a notification bell is on this circuit's page: the panel leaves the toasts to it.</summary>
    public bool BellAnnounces => Volatile.Read(ref bells) > 0;

    /// <summary>The bell takes the toasts for as long as the result is not disposed.</summary>
    public IDisposable BellPresent()
    {
        Interlocked.Increment(ref bells);
        return new Presence(this);
    }
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

    private sealed class Presence(CircuitAnnouncements owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner.bells);
            }
        }
    }
}
