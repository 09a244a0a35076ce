using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Rrr.Core.Features.Approvals;

/// <summary>Result of a chain check: intact, or the first record whose link is broken and why.</summary>
public sealed record ChainVerification(bool Intact, long RecordsChecked, long? FirstBrokenSequence, string? Problem)
{
    public static ChainVerification Ok(long count) => new(true, count, null, null);
}

/// <summary>
/// The hash chain of the approval log. A record's hash is SHA-256 of the previous record's hash and the
/// record's canonical JSON (a fixed member order, invariant formats, times as unix milliseconds), so the
/// same record hashes alike on SQLite and MongoDB and across .NET versions.
/// </summary>
public static class ApprovalChain
{
    /// <summary>The "previous hash" of the first record.</summary>
    public static readonly string Genesis = new('0', 64);

    public static ApprovalRecord Seal(ApprovalRecordDraft draft, long sequence, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var unsealed = new ApprovalRecord(sequence, draft with { At = TruncateToMs(draft.At) }, previousHash, "");
        return unsealed with { Hash = ComputeHash(unsealed) };
    }

    /// <summary>SHA-256 (lower-case hex) of <c>previous_hash</c> + "\n" + the canonical record.</summary>
    public static string ComputeHash(ApprovalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var input = Encoding.UTF8.GetBytes(record.PreviousHash + "\n" + Canonical(record));
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    public static string Canonical(ApprovalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", record.Sequence);
            writer.WriteString("request_id", record.RequestId);
            writer.WriteString("action", ApprovalCodes.ActionText(record.Action));
            writer.WriteString("actor_id", record.ActorId);
            writer.WriteString("actor_role", record.ActorRole);
            writer.WriteNumber("payload_version", record.PayloadVersion);
            writer.WriteString("reason", record.Reason);
            writer.WriteNumber("at", record.At.ToUnixTimeMilliseconds());
            writer.WriteString("detail", record.Detail);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>SHA-256 of a payload, so a record vouches for exactly what was requested without copying it.</summary>
    public static string PayloadHash(string payloadJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payloadJson)));

    /// <summary>
    /// Checks records in sequence order from the start of the log: numbering without gaps (a deleted record),
    /// each previous hash equal to the hash before it (a removed or reordered record), each hash equal to
    /// the recomputed one (an edited record). Reports the first record where any of these fails.
    /// </summary>
    public static ChainVerification Verify(IEnumerable<ApprovalRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var previous = Genesis;
        long expected = 1;
        long count = 0;
        foreach (var record in records)
        {
            if (record.Sequence != expected)
            {
                return new(false, count, record.Sequence, string.Create(CultureInfo.InvariantCulture, $"record {expected} is missing"));
            }

            if (!string.Equals(record.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new(false, count, record.Sequence, "its previous hash does not match the record before it");
            }

            if (!string.Equals(record.Hash, ComputeHash(record), StringComparison.Ordinal))
            {
                return new(false, count, record.Sequence, "its content does not match its hash");
            }

            previous = record.Hash;
            expected++;
            count++;
        }

        return ChainVerification.Ok(count);
    }

    /// <summary>Reads the whole log page by page and verifies it.</summary>
    public static async Task<ChainVerification> VerifyStoreAsync(IApprovalStore store, CancellationToken cancellationToken, int pageSize = 500)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = new List<ApprovalRecord>();
        long after = 0;
        while (true)
        {
            var page = await store.ReadLogAsync(after, pageSize, cancellationToken);
            all.AddRange(page);
            if (page.Count < pageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return Verify(all);
    }

    private static DateTimeOffset TruncateToMs(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
