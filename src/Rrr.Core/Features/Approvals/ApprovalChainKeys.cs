namespace Rrr.Core.Features.Approvals;

/// <summary>How one record stands against the keys.</summary>
public enum RecordSeal
{
    /// <summary>Sealed with a known key, and the seal matches.</summary>
    Valid,

    /// <summary>From before the chain was keyed: plain SHA-256, which matches, but anyone could have recomputed it.</summary>
    Legacy,

    /// <summary>Its seal does not match its content (or a legacy hash does not match).</summary>
    Invalid,

    /// <summary>Sealed with a key id none of the configured keys has.</summary>
    UnknownKey,
}

/// <summary>
/// Seals approval records with HMAC-SHA256 under the current key and verifies them with the current and previous
/// keys. A record's seal covers its previous hash and its canonical form, its key id included, so neither content
/// nor key can be swapped. The request check ties a stored request to the records that vouch for it, so posting
/// trusts the chain, not the row.
/// </summary>
public sealed class ApprovalChainKeys
{
    private readonly Dictionary<string, byte[]> keys = new(StringComparer.Ordinal);

    public ApprovalChainKeys(IOptions<ApprovalChainOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var current = ApprovalChainOptions.TryDecode(settings.ChainKey)
            ?? throw new InvalidOperationException($"{ApprovalOptions.Section}:ChainKey is missing or not base64.");
        if (current.Length < ApprovalChainOptions.MinKeyBytes)
        {
            throw new InvalidOperationException($"{ApprovalOptions.Section}:ChainKey is shorter than {ApprovalChainOptions.MinKeyBytes} bytes.");
        }

        CurrentKeyId = settings.ChainKeyId;
        keys[CurrentKeyId] = current;
        foreach (var (id, key) in settings.PreviousChainKeys ?? [])
        {
            if (ApprovalChainOptions.TryDecode(key) is { } previous)
            {
                keys.TryAdd(id, previous);
            }
        }
    }

    public string CurrentKeyId { get; }

    /// <summary>Numbers, links and seals <paramref name="draft"/> under the current key; the store calls this inside its append.</summary>
    public ApprovalRecord Seal(ApprovalRecordDraft draft, long sequence, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var unsealed = new ApprovalRecord(sequence, draft with { At = ApprovalChain.TruncateToMs(draft.At) }, previousHash, "", CurrentKeyId);
        return unsealed with { Hash = Mac(keys[CurrentKeyId], unsealed) };
    }

    public RecordSeal Check(ApprovalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.KeyId is null)
        {
            return HexEquals(record.Hash, ApprovalChain.ComputeLegacyHash(record)) ? RecordSeal.Legacy : RecordSeal.Invalid;
        }

        if (!keys.TryGetValue(record.KeyId, out var key))
        {
            return RecordSeal.UnknownKey;
        }

        return HexEquals(record.Hash, Mac(key, record)) ? RecordSeal.Valid : RecordSeal.Invalid;
    }

    /// <summary>
    /// Does the stored request match what its chain records vouch for? The maker, and for the current payload version
    /// the payload hash, policy, subject, kind and expiry (the request or edit record's detail); an approved request
    /// also needs its quorum of distinct, validly sealed approvals of that version, a rejected one its rejection.
    /// </summary>
    public RequestCheck CheckRequest(ApprovalView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var request = view.Request;
        var requested = view.Records.FirstOrDefault(r => r.Action == ApprovalAction.Requested);
        if (requested is null)
        {
            return RequestCheck.Broken(null, "it has no request record in the chain");
        }

        var content = view.Records.LastOrDefault(r =>
            r.Action is ApprovalAction.Requested or ApprovalAction.Edited && r.PayloadVersion == request.PayloadVersion);
        if (content is null)
        {
            return RequestCheck.Broken(requested.Sequence, $"no record in the chain vouches for its version {request.PayloadVersion}");
        }

        var legacy = false;
        foreach (var record in new[] { requested, content })
        {
            switch (Check(record))
            {
                case RecordSeal.Legacy:
                    legacy = true;
                    break;
                case RecordSeal.Invalid or RecordSeal.UnknownKey:
                    return RequestCheck.Broken(record.Sequence, "a record of the request does not match its seal");
            }
        }

        if (!string.Equals(requested.ActorId, request.MakerId, StringComparison.Ordinal))
        {
            return RequestCheck.Broken(requested.Sequence, "its maker is not the one its request record names");
        }

        if (!string.Equals(content.Detail, ApprovalChain.RequestDetail(request), StringComparison.Ordinal))
        {
            return RequestCheck.Broken(content.Sequence, "its payload, policy, subject or expiry differs from what its chain record vouches for");
        }

        if (request.Status == ApprovalStatus.Approved)
        {
            var approvers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var approval in view.Records.Where(r => r.Action == ApprovalAction.Approved && r.PayloadVersion == request.PayloadVersion))
            {
                var seal = Check(approval);
                if (seal is RecordSeal.Invalid or RecordSeal.UnknownKey)
                {
                    return RequestCheck.Broken(approval.Sequence, "an approval of the request does not match its seal");
                }

                legacy |= seal == RecordSeal.Legacy;
                var payloadHash = ApprovalChain.ApprovalDetail(request);
                if ((seal == RecordSeal.Valid && !string.Equals(approval.Detail, payloadHash, StringComparison.Ordinal))
                    || string.Equals(approval.ActorId, request.MakerId, StringComparison.Ordinal))
                {
                    return RequestCheck.Broken(approval.Sequence, "an approval of the request is not of its current content");
                }

                approvers.Add(approval.ActorId);
            }

            if (approvers.Count < request.Policy.RequiredXcnApprovers)
            {
                return RequestCheck.Broken(content.Sequence, "it is marked approved without the approvals its policy needs in the chain");
            }
        }
        else if (request.Status == ApprovalStatus.Rejected
            && !view.Records.Any(r => r.Action == ApprovalAction.Rejected && r.PayloadVersion == request.PayloadVersion))
        {
            return RequestCheck.Broken(content.Sequence, "it is marked rejected without a rejection in the chain");
        }

        return legacy ? RequestCheck.LegacyOnly : RequestCheck.Matches;
    }

    /// <summary>
    /// What posting asks before anything goes to RRR: the request matches its chain, and every record it relies on is
    /// sealed with a key. Null when it may go; otherwise why not (a legacy request cannot be told from a forged one).
    /// </summary>
    public string? ProblemForPosting(ApprovalView view, ApprovalRecord? decision = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        var check = CheckRequest(view);
        if (!check.Intact)
        {
            return "The request does not match the approval chain (" + check.Problem + "); nothing was sent to RRR. Check the chain on /admin/approvals.";
        }

        if (check.Legacy)
        {
            return "The request was recorded before the approval chain was keyed, so it cannot be verified and is not sent to RRR. Make the request again.";
        }

        if (decision is not null && (Check(decision) != RecordSeal.Valid || decision.RequestId != view.Request.Id || decision.PayloadVersion != view.Request.PayloadVersion))
        {
            return "The decision does not match its sealed record in the approval chain; nothing was sent to RRR. Check the chain on /admin/approvals.";
        }

        return null;
    }

    private static string Mac(byte[] key, ApprovalRecord record)
    {
        var input = Encoding.UTF8.GetBytes(record.PreviousHash + "\n" + ApprovalChain.Canonical(record));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, input));
    }

    private static bool HexEquals(string stored, string computed) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored ?? ""), Encoding.ASCII.GetBytes(computed));
}

/// <summary>A stored request against its chain records.</summary>
/// <param name="Legacy">It matches, but rests on records from before the chain was keyed.</param>
public sealed record RequestCheck(bool Intact, bool Legacy, long? Sequence, string? Problem)
{
    public static RequestCheck Matches { get; } = new(true, false, null, null);

    public static RequestCheck LegacyOnly { get; } = new(true, true, null, null);

    public static RequestCheck Broken(long? sequence, string problem) => new(false, false, sequence, problem);
}
