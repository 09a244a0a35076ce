namespace Rrr.Core.Features.Webhooks;

public enum WebhookRejection
{
    None,
    MissingHeaders,
    InvalidTimestamp,
    TimestampOutOfTolerance,
    NoValidSignature,
}

/// <summary>Outcome of a signature check; <see cref="Rejection"/> says why a delivery was refused.</summary>
public readonly record struct WebhookVerification(WebhookRejection Rejection)
{
    public bool IsValid => Rejection == WebhookRejection.None;
}

/// <summary>
/// Verifies and produces signatures per the Standard Webhooks specification:
/// <c>v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))</c>, several space-separated during rotation.
/// </summary>
public sealed class StandardWebhookVerifier
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private readonly IReadOnlyList<WebhookSecret> _secrets;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tolerance;

    public StandardWebhookVerifier(IReadOnlyList<WebhookSecret> secrets, TimeProvider time, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one webhook secret is required.", nameof(secrets));
        }

        _secrets = secrets;
        _time = time;
        _tolerance = tolerance ?? DefaultTolerance;
    }

    public WebhookVerification Verify(string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return new(WebhookRejection.MissingHeaders);
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return new(WebhookRejection.InvalidTimestamp);
        }

        // Past year 9999 (13 digits and more) is no instant at all: refused before FromUnixTimeSeconds would throw.
        if (seconds > MaxUnixSeconds)
        {
            return new(WebhookRejection.TimestampOutOfTolerance);
        }

        // Both directions: a far-future timestamp would otherwise extend a replay window.
        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > _tolerance)
        {
            return new(WebhookRejection.TimestampOutOfTolerance);
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var secret in _secrets)
        {
            Compute(secret, id, seconds, body, expected);
            var header = signatureHeader.AsSpan();
            foreach (var range in header.Split(' '))
            {
                // Other versions (e.g. v1a, asymmetric) are not ours to check; skip rather than fail.
                var part = header[range];
                if (!part.StartsWith("v1,", StringComparison.Ordinal)
                    || !Convert.TryFromBase64Chars(part[3..], candidate, out var written)
                    || written != candidate.Length)
                {
                    continue;
                }

                if (CryptographicOperations.FixedTimeEquals(expected, candidate))
                {
                    return new(WebhookRejection.None);
                }
            }
        }

        return new(WebhookRejection.NoValidSignature);
    }

    /// <summary>The header value for one secret: <c>v1,&lt;base64&gt;</c>.</summary>
    public static string Sign(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(secret, id, timestamp, body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    private static void Compute(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        // "{id}.{timestamp}." straight into the pooled buffer ahead of the body: no string, no second copy.
        var prefixMax = Encoding.UTF8.GetMaxByteCount(id.Length) + 22;
        var buffer = ArrayPool<byte>.Shared.Rent(prefixMax + body.Length);
        try
        {
            var span = buffer.AsSpan();
            var written = Encoding.UTF8.GetBytes(id, span);
            span[written++] = (byte)'.';
            timestamp.TryFormat(span[written..], out var digits, default, CultureInfo.InvariantCulture);
            written += digits;
            span[written++] = (byte)'.';
            body.CopyTo(span[written..]);
            HMACSHA256.HashData(secret.Key, span[..(written + body.Length)], destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
