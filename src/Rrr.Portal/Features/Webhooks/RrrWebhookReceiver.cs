using Microsoft.Extensions.Options;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Portal.Features.Webhooks;

/// <summary>The verifier built once from the validated secrets; null when none are configured (non-Production only).</summary>
internal sealed class RrrWebhookReceiver(IOptions<RrrWebhookOptions> settings, TimeProvider time, ILogger<RrrWebhookReceiver> logger)
{
    /// <summary>The endpoint's logger, resolved once rather than per request.</summary>
    public ILogger Logger { get; } = logger;

    public StandardWebhookVerifier? Verifier { get; } = settings.Value.Secrets.Count == 0
        ? null
        : new StandardWebhookVerifier(settings.Value.Secrets.Select(WebhookSecret.Parse).ToList(), time);
}
