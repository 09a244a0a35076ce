using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rrr.Core.Features.Webhooks;

namespace Rrr.Core.Features.Promotions;

/// <summary>
/// Turns PROMOTION_STATUS_CHANGED events (applied by the webhook processor) into a re-read of that
/// promotion from RRR. The notifier's handler only queues the id, since handlers run on the processor's thread.
/// The sync (and with it the RRR client) is resolved only when an event arrives, after start-up validation,
/// so a misconfigured portal still names every bad setting (as <c>EarnDispatcherHost</c> does).
/// </summary>
public sealed partial class PromotionStatusListener(
    IRrrEventNotifier notifier,
    IServiceProvider services,
    ILogger<PromotionStatusListener> logger) : BackgroundService
{
    private readonly Channel<string> queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.Subscribe(RrrTopic.All, OnEvent);
        try
        {
            await foreach (var promotionId in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await HandleAsync(promotionId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal void OnEvent(RrrEvent rrrEvent)
    {
        if (rrrEvent.Type == RrrEventTypes.PromotionStatusChanged
            && (rrrEvent.GetString("promotion_id") ?? rrrEvent.ResourceId) is { Length: > 0 } id)
        {
            queue.Writer.TryWrite(id);
        }
    }

    internal async Task HandleAsync(string promotionId, CancellationToken cancellationToken)
    {
        try
        {
            await services.GetRequiredService<PromotionSync>().SyncAsync(promotionId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // one failed re-read must not stop the listener; the page's refresh reads RRR again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSyncFailed(logger, promotionId, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Promotion {PromotionId}: re-reading RRR after a status change failed ({ErrorClass})")]
    private static partial void LogSyncFailed(ILogger logger, string promotionId, string errorClass);
}
