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
