namespace Rrr.Sandbox.Webhooks;

/// <summary>
/// Standard Webhooks signatures, written here rather than shared with Rrr.Core on purpose: two independent
/// implementations agreeing over HTTP is what proves the wire format.
/// </summary>
internal sealed class WebhookSigner
{
    private const string SecretPrefix = "whsec_";

    private readonly byte[][] _keys;

    public WebhookSigner(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _keys = secrets.Select(DecodeSecret).ToArray();
    }

    public int KeyCount => _keys.Length;

    /// <returns>The <c>webhook-signature</c> header value: one <c>v1,</c> signature per secret, space-separated.</returns>
    public string Sign(string eventId, long timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{eventId}.{timestamp}."));
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload, prefix.Length);
        return string.Join(' ', _keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, payload))));
    }

    private static byte[] DecodeSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            // The message names the setting, never the value.
            throw new InvalidOperationException("A webhook secret is not valid base64 after its whsec_ prefix.");
        }
    }
}
