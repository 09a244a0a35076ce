using Microsoft.Extensions.Options;
using Rrr.Portal.Hosting;
using Rrr.Sandbox;

namespace Rrr.Portal.Features.Earn;

/// <summary>Service credentials of XCN's internal callers (the payment system). Bound from "Internal".</summary>
public sealed class InternalApiSettings
{
    public const string Section = "Internal";

    /// <summary>Production keys are long random secrets; shorter ones are refused there.</summary>
    public const int MinProductionKeyLength = 32;

    /// <summary>
    /// Accepted values of the <c>X-Internal-Key</c> header; several during a rotation (add the new key,
    /// switch the caller, remove the old one). Empty: every internal call is refused.
    /// </summary>
    public IList<string> ApiKeys { get; set; } = [];

    /// <summary>The in-process sandbox plays XCN's payment system with its development key.</summary>
    internal static void UseSandboxKeyWhenUnset(InternalApiSettings settings, IOptions<SandboxHostSettings> sandbox)
    {
        if (sandbox.Value.Enabled && !settings.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
        {
            settings.ApiKeys = [SandboxSettings.DevInternalKey];
        }
    }
}

/// <summary>Production needs at least one real key and refuses the sandbox's published one. Messages never quote a key.</summary>
internal sealed class InternalApiSettingsValidator(IHostEnvironment environment) : IValidateOptions<InternalApiSettings>
{
    public ValidateOptionsResult Validate(string? name, InternalApiSettings options)
    {
        if (!environment.IsProduction())
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        var keys = options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (keys.Count == 0)
        {
            failures.Add($"{InternalApiSettings.Section}:ApiKeys needs at least one key (the X-Internal-Key of XCN's payment system) in Production.");
        }

        if (keys.Contains(SandboxSettings.DevInternalKey))
        {
            failures.Add($"{InternalApiSettings.Section}:ApiKeys contains the sandbox's development key, which Production refuses.");
        }

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            if ((options.ApiKeys[i] ?? "").Length < InternalApiSettings.MinProductionKeyLength)
            {
                failures.Add($"{InternalApiSettings.Section}:ApiKeys:{i} must be at least {InternalApiSettings.MinProductionKeyLength} characters in Production.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
