namespace Rrr.Sandbox.Webhooks;

/// <summary>Event states, as shown in the delivery log.</summary>
public static class WebhookStates
{
    public const string Pending = "PENDING";
    public const string Retrying = "RETRYING";
    public const string Delivered = "DELIVERED";
    public const string Failed = "FAILED";
}
