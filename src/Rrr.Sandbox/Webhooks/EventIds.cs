namespace Rrr.Sandbox.Webhooks;

/// <summary>
/// ULID-shaped event ids (<c>evt_</c> + 26 Crockford base32 characters: 48-bit milliseconds, 80 random bits),
/// so ids sort roughly by creation time and never collide across restarts.
/// </summary>
internal static class EventIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public const string Prefix = "evt_";

    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return string.Create(Prefix.Length + 26, bytes.ToArray(), static (chars, b) =>
        {
            Prefix.AsSpan().CopyTo(chars);
            var value = new UInt128(
                ((ulong)b[0] << 56) | ((ulong)b[1] << 48) | ((ulong)b[2] << 40) | ((ulong)b[3] << 32) |
                ((ulong)b[4] << 24) | ((ulong)b[5] << 16) | ((ulong)b[6] << 8) | b[7],
                ((ulong)b[8] << 56) | ((ulong)b[9] << 48) | ((ulong)b[10] << 40) | ((ulong)b[11] << 32) |
                ((ulong)b[12] << 24) | ((ulong)b[13] << 16) | ((ulong)b[14] << 8) | b[15]);
            // 26 characters × 5 bits = 130 bits; the top two are always zero.
            for (var i = chars.Length - 1; i >= Prefix.Length; i--)
            {
                chars[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }
}
