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
        var walk = new ChainWalk();
        foreach (var record in records)
        {
            if (walk.Step(record) is { } broken)
            {
                return broken;
            }
        }

        return walk.Result;
    }

    /// <summary>Reads the log page by page and verifies it as it goes, so memory stays one page whatever the log's length.</summary>
    public static async Task<ChainVerification> VerifyStoreAsync(IApprovalStore store, CancellationToken cancellationToken, int pageSize = 500)
    {
        ArgumentNullException.ThrowIfNull(store);
        var walk = new ChainWalk();
        long after = 0;
        while (true)
        {
            var page = await store.ReadLogAsync(after, pageSize, cancellationToken);
            foreach (var record in page)
            {
                if (walk.Step(record) is { } broken)
                {
                    return broken;
                }
            }

            if (page.Count < pageSize)
            {
                return walk.Result;
            }

            after = page[^1].Sequence;
        }
    }

    /// <summary>The state of a walk along the log: what the next record must continue from.</summary>
    private sealed class ChainWalk
    {
        private string _previous = Genesis;
        private long _expected = 1;
        private long _count;

        public ChainVerification Result => ChainVerification.Ok(_count);

        /// <summary>Null when <paramref name="record"/> continues the chain; otherwise why it does not.</summary>
        public ChainVerification? Step(ApprovalRecord record)
        {
            if (record.Sequence != _expected)
            {
                return new(false, _count, record.Sequence, string.Create(CultureInfo.InvariantCulture, $"record {_expected} is missing"));
            }

            if (!string.Equals(record.PreviousHash, _previous, StringComparison.Ordinal))
            {
                return new(false, _count, record.Sequence, "its previous hash does not match the record before it");
            }

            if (!string.Equals(record.Hash, ComputeHash(record), StringComparison.Ordinal))
            {
                return new(false, _count, record.Sequence, "its content does not match its hash");
            }

            _previous = record.Hash;
            _expected++;
            _count++;
            return null;
        }
    }

    private static DateTimeOffset TruncateToMs(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
