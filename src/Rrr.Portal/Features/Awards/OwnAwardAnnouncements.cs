namespace Rrr.Portal.Features.Awards;

/// <summary>
/// The model hears of an award once, from the room ("Awarded 50 points to oli."). RRR then sends TRANSFER_COMPLETED
/// for it, which is stored as an award_sent notification, and the bell would toast that too. Once the room has opened,
/// this claims in <see cref="CircuitAnnouncements"/> each TRANSFER_COMPLETED of an award the circuit's room announces
/// (<see cref="AwardService.IsAnnouncedHere"/>), so the bell counts it without a second toast. Awards made in another
/// tab, or left unconfirmed here, are not claimed: the bell is then the model's only news of them. Scoped: one per circuit.
/// </summary>
public sealed class OwnAwardAnnouncements(CircuitEvents events, CircuitAnnouncements announcements, AwardService awards) : IDisposable
{
    private readonly Lock gate = new();
    private IDisposable? subscription;

    /// <summary>Follows RRR's completed transfers for the rest of the circuit (the room's toast outlives the room page).</summary>
    public void Follow()
    {
        lock (gate)
        {
            subscription ??= events.Subscribe(RrrFact.OfType(RrrEventTypes.TransferCompleted), OnTransfer);
        }
    }

    // Synchronous, on the bus's thread: the notification of the same event is stored after this and only then
    // reaches the bell, so the claim is in place before the bell asks.
    private void OnTransfer(RrrFact fact)
    {
        if (fact.Event.GetString("award_intent_id") is { Length: > 0 } intent && awards.IsAnnouncedHere(intent))
        {
            announcements.TryClaim(fact.Event.Id);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            subscription?.Dispose();
            subscription = null;
        }
    }
}
