using Microsoft.Extensions.Options;
using Rrr.Core.Rrr.Http;
using Rrr.Sandbox;

namespace Rrr.Portal.Hosting;

/// <summary>The portal's side of the RRR client settings: sandbox defaults in Development only, Production's refusals everywhere else.</summary>
internal static class RrrClientHosting
{
    public static IServiceCollection AddRrrClientHosting(this IServiceCollection services)
    {
        services.AddOptions<RrrClientOptions>().PostConfigure<IOptions<SandboxHostSettings>, IHostEnvironment>(UseSandboxWhenUnset);
        services.AddSingleton<IValidateOptions<RrrClientOptions>, RrrProductionSettingsValidator>();
        return services;
    }

    /// <summary>With the in-process sandbox on (Development only), an unset URL or key means "talk to the sandbox".</summary>
    private static void UseSandboxWhenUnset(RrrClientOptions rrr, IOptions<SandboxHostSettings> sandbox, IHostEnvironment environment)
    {
        if (!DevelopmentOnly.SandboxDefaultsApply(environment, sandbox))
        {
            return;
        }

        if (rrr.BaseUrl is null || string.IsNullOrWhiteSpace(rrr.BaseUrl.OriginalString))
        {
            rrr.BaseUrl = sandbox.Value.Url;
        }

        if (string.IsNullOrWhiteSpace(rrr.ApiKey))
        {
            rrr.ApiKey = SandboxSettings.DevApiKey;
        }
    }
}

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
