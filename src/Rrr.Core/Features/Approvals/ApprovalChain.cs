namespace Rrr.Core.Features.Approvals;

/// <summary>
/// Result of a chain check: intact, or the first record whose link is broken and why. <see cref="LegacyRecords"/>
/// counts records from before the chain was keyed (plain SHA-256: verified, but anyone with write access could have
/// recomputed them); <see cref="RequestsChecked"/> the stored requests compared with the records that vouch for them,
/// and <see cref="BrokenRequestId"/> the first one that differs.
/// </summary>
public sealed record ChainVerification(
    bool Intact, long RecordsChecked, long? FirstBrokenSequence, string? Problem,
    long LegacyRecords = 0, long RequestsChecked = 0, string? BrokenRequestId = null)
{
    public static ChainVerification Ok(long count) => new(true, count, null, null);
}

/// <summary>
/// The chain of the approval log. A record's hash is HMAC-SHA256 (<see cref="ApprovalChainKeys"/>, key from configuration)
/// of the previous record's hash and the record's canonical JSON (a fixed member order, invariant formats, times as unix
/// milliseconds, the key id), so the same record seals alike on SQLite and MongoDB and across .NET versions, and nobody
/// without the key can reseal a changed record. Records from before the key (no key id) were plain SHA-256; they are
/// still verified as legacy and reported, and a legacy record after a keyed one breaks the chain.
/// </summary>
public static class ApprovalChain
{
    /// <summary>The "previous hash" of the first record.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SHA-256 (lower-case hex) of <c>previous_hash</c> + "\n" + the canonical record: how records were sealed before the chain was keyed.</summary>
    public static string ComputeLegacyHash(ApprovalRecord record)
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

            // Absent on legacy records, so their canonical form (and hash) is what it always was.
            if (record.KeyId is not null)
            {
                writer.WriteString("key_id", record.KeyId);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>SHA-256 of a payload, so a record vouches for exactly what was requested without copying it.</summary>
    public static string PayloadHash(string payloadJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payloadJson)));

    /// <summary>What a request or edit record vouches for: kind, subject, policy, expiry and the payload's hash.</summary>
    public static string RequestDetail(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"kind={request.Kind};subject={request.SubjectId};xcn={request.Policy.RequiredXcnApprovers};rrr={(request.Policy.RequiresRrrAdmin ? 1 : 0)};expires={request.ExpiresAt.ToUnixTimeMilliseconds()};payload_sha256={PayloadHash(request.PayloadJson)}");
    }

    /// <summary>What an approval record vouches for: the payload the approver approved.</summary>
    public static string ApprovalDetail(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return "payload_sha256=" + PayloadHash(request.PayloadJson);
    }

    /// <summary>
    /// Checks records in sequence order from the start of the log: numbering without gaps (a deleted record),
    /// each previous hash equal to the hash before it (a removed or reordered record), each seal valid under its key
    /// (an edited record), no legacy record after a keyed one. Reports the first record where any of these fails.
    /// </summary>
    public static ChainVerification Verify(IEnumerable<ApprovalRecord> records, ApprovalChainKeys keys)
    {
        ArgumentNullException.ThrowIfNull(records);
        var walk = new ChainWalk(keys);
        foreach (var record in records)
        {
            if (walk.Step(record) is { } broken)
            {
                return broken;
            }
        }

        return walk.Result;
    }

    /// <summary>
    /// Reads the log page by page and verifies it as it goes, so memory stays one page whatever the log's length; then
    /// compares every stored request, page by page, with the records that vouch for it (<see cref="ApprovalChainKeys.CheckRequest"/>),
    /// so a request row changed behind the chain's back shows up too.
    /// </summary>
    public static async Task<ChainVerification> VerifyStoreAsync(
        IApprovalStore store, ApprovalChainKeys keys, CancellationToken cancellationToken, int pageSize = 500)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        var walk = new ChainWalk(keys);
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
                break;
            }

            after = page[^1].Sequence;
        }

        var log = walk.Result;
        long requests = 0;
        string? afterId = null;
        while (true)
        {
            var page = await store.ListByIdAsync(afterId, pageSize, cancellationToken);
            if (page.Count == 0)
            {
                return log with { RequestsChecked = requests };
            }

            var records = (await store.GetRecordsForAsync(page.Select(r => r.Id).ToList(), cancellationToken))
                .ToLookup(r => r.RequestId, StringComparer.Ordinal);
            foreach (var request in page)
            {
                var check = keys.CheckRequest(new ApprovalView(request, records[request.Id].ToList()));
                if (!check.Intact)
                {
                    return log with
                    {
                        Intact = false,
                        RequestsChecked = requests,
                        FirstBrokenSequence = check.Sequence,
                        BrokenRequestId = request.Id,
                        Problem = $"the stored request {request.Id} does not match its chain: {check.Problem}",
                    };
                }

                requests++;
            }

            afterId = page[^1].Id;
        }
    }

    /// <summary>The state of a walk along the log: what the next record must continue from.</summary>
    private sealed class ChainWalk(ApprovalChainKeys keys)
    {
        private string _previous = Genesis;
        private long _expected = 1;
        private long _count;
        private long _legacy;
        private bool _keyedSeen;

        public ChainVerification Result => ChainVerification.Ok(_count) with { LegacyRecords = _legacy };

        /// <summary>Null when <paramref name="record"/> continues the chain; otherwise why it does not.</summary>
        public ChainVerification? Step(ApprovalRecord record)
        {
            if (record.Sequence != _expected)
            {
                return Broken(record, string.Create(CultureInfo.InvariantCulture, $"record {_expected} is missing"));
            }

            if (!string.Equals(record.PreviousHash, _previous, StringComparison.Ordinal))
            {
                return Broken(record, "its previous hash does not match the record before it");
            }

            switch (keys.Check(record))
            {
                case RecordSeal.Invalid:
                    return Broken(record, "its content does not match its hash");
                case RecordSeal.UnknownKey:
                    return Broken(record, $"it is sealed with key id '{record.KeyId}', which no configured key has");
                case RecordSeal.Legacy when _keyedSeen:
                    return Broken(record, "it has a plain hash after keyed records (written without the chain key)");
                case RecordSeal.Legacy:
                    _legacy++;
                    break;
                default:
                    _keyedSeen = true;
                    break;
            }

            _previous = record.Hash;
            _expected++;
            _count++;
            return null;
        }

        private ChainVerification Broken(ApprovalRecord record, string problem) =>
            new(false, _count, record.Sequence, problem, _legacy);
    }

    internal static DateTimeOffset TruncateToMs(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
