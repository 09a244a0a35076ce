using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Rrr.Core.Features.Approvals;

/// <summary>
/// The approval chain's key, bound from "Approvals". It lives in configuration (a secret store, an environment
/// variable), never in the store the chain protects: whoever can write the store cannot reseal what they changed.
/// </summary>
public sealed class ApprovalChainOptions
{
    public const int MinKeyBytes = 32;

    /// <summary>Base64 of at least <see cref="MinKeyBytes"/> random bytes (e.g. <c>openssl rand -base64 32</c>). Seals new records.</summary>
    public string? ChainKey { get; set; }

    /// <summary>Written on every record it seals, so a record finds its key again after a rotation.</summary>
    public string ChainKeyId { get; set; } = "k1";

    /// <summary>
    /// Keys that sealed older records, by id (base64 like <see cref="ChainKey"/>). Rotation: move the current key here
    /// under its id, set a new <see cref="ChainKey"/> with a new <see cref="ChainKeyId"/>; drop an old key only when no
    /// record it sealed must verify any more.
    /// </summary>
    public Dictionary<string, string> PreviousChainKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Development's key when none is set: derived from a published phrase, so it protects nothing and every other
    /// environment refuses it (compared by decoded value, not by its spelling).
    /// </summary>
    internal static byte[] DevelopmentKey { get; } = SHA256.HashData("rrr-portal development approval chain key (published, protects nothing)"u8);

    /// <summary><see cref="DevelopmentKey"/> as a setting would spell it; the host's development defaults fill it in.</summary>
    public static string DevelopmentChainKey { get; } = Convert.ToBase64String(DevelopmentKey);

    internal static byte[]? TryDecode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>Names each bad setting by its path; never quotes a key.</summary>
public sealed partial class ApprovalChainOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApprovalChainOptions>
{
    private const string Path = ApprovalOptions.Section;

    public ValidateOptionsResult Validate(string? name, ApprovalChainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ChainKey))
        {
            failures.Add($"{Path}:ChainKey is required outside Development: base64 of at least {ApprovalChainOptions.MinKeyBytes} random bytes (e.g. openssl rand -base64 32), kept outside the store.");
        }
        else
        {
            CheckKey($"{Path}:ChainKey", options.ChainKey, failures);
        }

        if (options.ChainKeyId is null || !KeyId().IsMatch(options.ChainKeyId))
        {
            failures.Add($"{Path}:ChainKeyId must be 1-32 letters, digits, '-' or '_'.");
        }

        foreach (var (id, key) in options.PreviousChainKeys ?? [])
        {
            if (!KeyId().IsMatch(id))
            {
                failures.Add($"{Path}:PreviousChainKeys:{id} has an id that is not 1-32 letters, digits, '-' or '_'.");
            }

            if (string.Equals(id, options.ChainKeyId, StringComparison.Ordinal))
            {
                failures.Add($"{Path}:PreviousChainKeys:{id} has the current key's id; a previous key needs its own id.");
            }

            CheckKey($"{Path}:PreviousChainKeys:{id}", key, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void CheckKey(string setting, string? base64, List<string> failures)
    {
        if (ApprovalChainOptions.TryDecode(base64) is not { } key)
        {
            failures.Add($"{setting} is not valid base64.");
            return;
        }

        if (key.Length < ApprovalChainOptions.MinKeyBytes)
        {
            failures.Add($"{setting} decodes to {key.Length} bytes; at least {ApprovalChainOptions.MinKeyBytes} are needed.");
        }

        if (!environment.IsDevelopment() && CryptographicOperations.FixedTimeEquals(key, ApprovalChainOptions.DevelopmentKey))
        {
            failures.Add($"{setting} is the published development key, which only Development accepts.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyId();
}

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
