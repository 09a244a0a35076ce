using Rrr.Sandbox;

namespace Rrr.Portal.Features.Earn;

/// <summary>Service credentials of XCN's internal callers (the payment system). Bound from "Internal".</summary>
public sealed class InternalApiOptions
{
    public const string Section = "Internal";

    /// <summary>Production keys are long random secrets; shorter ones are refused there.</summary>
    public const int MinProductionKeyLength = 32;

    /// <summary>
    /// Accepted values of the <c>X-Internal-Key</c> header; several during a rotation (add the new key,
    /// switch the caller, remove the old one). Empty: every internal call is refused.
    /// </summary>
    public IList<string> ApiKeys { get; set; } = [];
}

/// <summary>Outside Development at least one real key is needed and the sandbox's published one is refused. Messages never quote a key.</summary>
internal sealed class InternalApiOptionsValidator(IHostEnvironment environment) : IValidateOptions<InternalApiOptions>
{
    public ValidateOptionsResult Validate(string? name, InternalApiOptions options)
    {
        if (DevelopmentOnly.Allows(environment))
        {
            return ValidateOptionsResult.Success;
        }

        var outside = DevelopmentOnly.Outside(environment);
        var failures = new List<string>();
        var keys = options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (keys.Count == 0)
        {
            failures.Add($"{InternalApiOptions.Section}:ApiKeys needs at least one key (the X-Internal-Key of XCN's payment system) {outside}.");
        }

        if (keys.Exists(k => DevelopmentOnly.IsDevValue(k, SandboxSettings.DevInternalKey)))
        {
            failures.Add($"{InternalApiOptions.Section}:ApiKeys contains the sandbox's published development key, which is refused {outside}.");
        }

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            if ((options.ApiKeys[i] ?? "").Length < InternalApiOptions.MinProductionKeyLength)
            {
                failures.Add($"{InternalApiOptions.Section}:ApiKeys:{i} must be at least {InternalApiOptions.MinProductionKeyLength} characters {outside}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
