namespace Rrr.Core.Features.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by base64 of 24–64 random bytes.
/// The HMAC key is the decoded bytes, not the text.
/// </summary>
public sealed class WebhookSecret
{
    private const string Prefix = "whsec_";

    private WebhookSecret(byte[] key) => Key = key;

    internal byte[] Key { get; }

    public static WebhookSecret Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException("A webhook secret must start with 'whsec_'.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(value[Prefix.Length..]);
        }
        catch (FormatException ex)
        {
            throw new FormatException("A webhook secret must be 'whsec_' followed by base64.", ex);
        }

        if (key.Length is < 24 or > 64)
        {
            throw new FormatException("A webhook secret must decode to 24–64 bytes.");
        }

        return new WebhookSecret(key);
    }

    /// <summary>
    /// Same HMAC key, whatever the text looked like: base64 admits whitespace and non-canonical padding
    /// bits, so two different strings can be one key. Constant time, so a comparison leaks nothing.
    /// </summary>
    public bool HasSameKey(WebhookSecret other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return CryptographicOperations.FixedTimeEquals(Key, other.Key);
    }

    // Never print key material, even by accident in a log template.
    public override string ToString() => "whsec_***";
}
