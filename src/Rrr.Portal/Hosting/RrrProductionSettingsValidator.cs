using Rrr.Sandbox;

namespace Rrr.Portal.Hosting;

/// <summary>Outside Development the portal talks to the real RRR over https with a real credential, never to the sandbox.</summary>
internal sealed class RrrProductionSettingsValidator(IHostEnvironment environment, IConfiguration configuration)
    : IValidateOptions<RrrClientOptions>
{
    public ValidateOptionsResult Validate(string? name, RrrClientOptions options)
    {
        if (DevelopmentOnly.Allows(environment))
        {
            return ValidateOptionsResult.Success;
        }

        var outside = DevelopmentOnly.Outside(environment);
        var failures = new List<string>();
        if (DevelopmentOnly.IsDevValue(options.ApiKey, SandboxSettings.DevApiKey))
        {
            failures.Add($"Rrr:ApiKey is the sandbox's published development key, which is refused {outside}.");
        }

        if (options.BaseUrl is { IsAbsoluteUri: true } url)
        {
            if (url.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"Rrr:BaseUrl must use https {outside}.");
            }

            if (Uri.Compare(url, DevelopmentOnly.ConfiguredSandboxUrl(configuration), UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                failures.Add($"Rrr:BaseUrl points at the RRR sandbox, which is refused {outside}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
