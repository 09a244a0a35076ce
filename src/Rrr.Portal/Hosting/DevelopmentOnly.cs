namespace Rrr.Portal.Hosting;

/// <summary>
/// Development conveniences (the in-process sandbox, the dev identity provider, the published dev keys and
/// secrets, demo defaults) are an allow-list: they exist only in the environment named <c>Development</c>.
/// Every other name (Production, Staging, Prod, UAT, a typo) gets Production's rules, so a deployment
/// can never opt into them by choosing an unexpected name.
/// </summary>
internal static class DevelopmentOnly
{
    public static bool Allows(IHostEnvironment environment) => environment.IsDevelopment();

    /// <summary>Sandbox-backed defaults apply only when the sandbox is on and allowed; otherwise nothing is filled in.</summary>
    /// <remarks>The environment is checked first, so outside Development the (refused) sandbox settings are never read.</remarks>
    public static bool SandboxDefaultsApply(IHostEnvironment environment, IOptions<SandboxHostOptions> sandbox) =>
        Allows(environment) && sandbox.Value.Enabled;

    /// <summary>
    /// The sandbox URL as configured, read without the sandbox's own validation: a refused sandbox is
    /// reported once by its validator and must not hide the problems of the sections compared with it.
    /// </summary>
    public static Uri ConfiguredSandboxUrl(IConfiguration configuration) =>
        configuration.GetSection(SandboxHostOptions.Section).Get<SandboxHostOptions>()?.Url ?? new SandboxHostOptions().Url;

    /// <summary>Words for a refusal: "outside Development (environment 'Staging')".</summary>
    public static string Outside(IHostEnvironment environment) =>
        $"outside Development (environment '{environment.EnvironmentName}')";

    /// <summary>
    /// A configured plain-text credential equals a published development value. Surrounding whitespace is
    /// ignored so a padded copy is still caught; the comparison is on the value, never logged.
    /// </summary>
    public static bool IsDevValue(string? configured, string devValue) =>
        configured is not null && string.Equals(configured.Trim(), devValue, StringComparison.Ordinal);
}
