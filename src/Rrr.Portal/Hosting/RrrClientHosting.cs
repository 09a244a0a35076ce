using Microsoft.Extensions.Options;
using Rrr.Core.Rrr.Http;
using Rrr.Sandbox;

namespace Rrr.Portal.Hosting;

/// <summary>The portal's side of the RRR client settings: sandbox defaults in development, refusals in Production.</summary>
internal static class RrrClientHosting
{
    public static IServiceCollection AddRrrClientHosting(this IServiceCollection services)
    {
        services.AddOptions<RrrClientOptions>().PostConfigure<IOptions<SandboxHostSettings>>(UseSandboxWhenUnset);
        services.AddSingleton<IValidateOptions<RrrClientOptions>, RrrProductionSettingsValidator>();
        return services;
    }

    /// <summary>With the in-process sandbox on, an unset URL or key means "talk to the sandbox".</summary>
    private static void UseSandboxWhenUnset(RrrClientOptions rrr, IOptions<SandboxHostSettings> sandbox)
    {
        if (!sandbox.Value.Enabled)
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

/// <summary>Production talks to the real RRR over https with a real credential, never to the sandbox.</summary>
internal sealed class RrrProductionSettingsValidator(IHostEnvironment environment, IOptions<SandboxHostSettings> sandbox)
    : IValidateOptions<RrrClientOptions>
{
    public ValidateOptionsResult Validate(string? name, RrrClientOptions options)
    {
        if (!environment.IsProduction())
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.ApiKey == SandboxSettings.DevApiKey)
        {
            failures.Add("Rrr:ApiKey is the sandbox's development key, which Production refuses.");
        }

        if (options.BaseUrl is { IsAbsoluteUri: true } url)
        {
            if (url.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add("Rrr:BaseUrl must use https in Production.");
            }

            if (Uri.Compare(url, sandbox.Value.Url, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                failures.Add("Rrr:BaseUrl points at the RRR sandbox, which Production refuses.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
