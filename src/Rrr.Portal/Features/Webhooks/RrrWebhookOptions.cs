using Rrr.Sandbox;

namespace Rrr.Portal.Features.Webhooks;

/// <summary>How the portal receives RRR's webhooks. Bound from "Webhooks".</summary>
public sealed class RrrWebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Bodies above this are refused (413) without being read further; RRR events are a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Active <c>whsec_</c> signing secrets; a delivery signed with any of them is accepted, so a new
    /// secret can be added before RRR switches and the old one removed after.
    /// </summary>
    public IList<string> Secrets { get; set; } = [];

    /// <summary>Group-commit inbox inserts (see <see cref="RrrWebhookReceiver"/>); off writes each event alone.</summary>
    public bool BatchInserts { get; set; } = true;
}

/// <summary>
/// Every secret must parse; outside Development at least one is needed and the sandbox's published one is
/// refused, compared by its decoded key so a re-encoded or padded copy is refused too.
/// In Development an empty list is allowed (tests, a portal run without the sandbox): the endpoint then answers 503.
/// Messages name the setting, never the value.
/// </summary>
internal sealed class RrrWebhookOptionsValidator(IHostEnvironment environment) : IValidateOptions<RrrWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, RrrWebhookOptions options)
    {
        var failures = new List<string>();
        var parsed = new List<WebhookSecret>();
        for (var i = 0; i < options.Secrets.Count; i++)
        {
            try
            {
                parsed.Add(WebhookSecret.Parse(options.Secrets[i] ?? ""));
            }
            catch (FormatException ex)
            {
                failures.Add($"{RrrWebhookOptions.Section}:Secrets:{i} is not a valid secret: {ex.Message}");
            }
        }

        if (!DevelopmentOnly.Allows(environment))
        {
            var outside = DevelopmentOnly.Outside(environment);
            if (options.Secrets.Count == 0)
            {
                failures.Add($"{RrrWebhookOptions.Section}:Secrets needs at least one whsec_ secret (RRR's webhook signing secret) {outside}.");
            }

            var dev = WebhookSecret.Parse(SandboxSettings.DevWebhookSecret);
            if (parsed.Exists(dev.HasSameKey))
            {
                failures.Add($"{RrrWebhookOptions.Section}:Secrets contains the sandbox's published development secret, which is refused {outside}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
