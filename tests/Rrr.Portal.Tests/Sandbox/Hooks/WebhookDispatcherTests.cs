using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Webhooks;
using Rrr.Sandbox;
using Rrr.Sandbox.Clock;
using Rrr.Sandbox.Storage;
using Rrr.Sandbox.Webhooks;

namespace Rrr.Portal.Tests.Sandbox.Hooks;

/// <summary>The outbox and dispatcher against a real loopback receiver; retry time is a fake clock.</summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    private static readonly Dictionary<string, object?> WalletData = new()
    {
        ["resource_type"] = "wallet",
        ["resource_id"] = "rrr_m_1001",
        ["version"] = 3L,
        ["rrr_member_id"] = "rrr_m_1001",
        ["points"] = 120L,
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T13:00:00Z", CultureInfo.InvariantCulture));
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "rrr-hooks-" + Guid.NewGuid().ToString("N"));
    private WebhookReceiver _receiver = null!;
    private IHost _host = null!;

    private IWebhookPublisher Publisher => _host.Services.GetRequiredService<IWebhookPublisher>();

    private WebhookStore Store => _host.Services.GetRequiredService<WebhookStore>();

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = await StartHostAsync(_receiver.Url);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }

    [Fact]
    public async Task Publish_DeliversTheSignedEvent_AndLogsTheAttempt()
    {
        var eventId = await Publisher.PublishAsync("POINTS_POSTED", WalletData, CancellationToken.None);

        var received = await _receiver.NextAsync();

        Assert.Equal(eventId, received.Id);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), received.Timestamp);
        Assert.Equal("application/json", received.ContentType);
        Assert.True(PortalVerifier().Verify(received.Id, received.Timestamp, received.Signature, received.Body).IsValid);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("POINTS_POSTED", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(120L, body.RootElement.GetProperty("data").GetProperty("points").GetInt64());

        var attempt = Assert.Single(await WaitForAttemptsAsync(eventId, 1));
        Assert.Equal((1, WebhookStates.Delivered, (int?)204, (DateTimeOffset?)null), (attempt.Attempt, attempt.State, attempt.ResponseStatus, attempt.NextAttemptAt));
    }

    [Fact]
    public async Task FailedAttempt_IsRetriedAfterTheFiveSecondBackoff_WithTheSameIdAndANewSignature()
    {
        _receiver.Answer(500);
        var eventId = await Publisher.PublishAsync("POINTS_POSTED", WalletData, CancellationToken.None);
        var first = await _receiver.NextAsync();
        var failed = Assert.Single(await WaitForAttemptsAsync(eventId, 1));
        Assert.Equal((WebhookStates.Retrying, (int?)500), (failed.State, failed.ResponseStatus));
        Assert.Equal(failed.AttemptedAt.AddSeconds(5), failed.NextAttemptAt);
        Assert.False(_receiver.TryNext(out _));

        var second = await AdvanceUntilDeliveredAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(eventId, second.Id);
        Assert.Equal(first.BodyText, second.BodyText);
        Assert.NotEqual(first.Timestamp, second.Timestamp);
        Assert.NotEqual(first.Signature, second.Signature);
        Assert.True(PortalVerifier().Verify(second.Id, second.Timestamp, second.Signature, second.Body).IsValid);
        var log = await WaitForAttemptsAsync(eventId, 2);
        Assert.Equal([(2, WebhookStates.Delivered), (1, WebhookStates.Retrying)], log.Select(a => (a.Attempt, a.State)));
        var summary = Assert.Single(await Store.ListEventsAsync(10, CancellationToken.None));
        Assert.Equal((WebhookStates.Delivered, 2, (int?)204), (summary.State, summary.Attempts, summary.LastStatus));
    }

    [Fact]
    public async Task Resend_DeliversTheSameIdAndBody_WithANewTimestampAndSignature()
    {
        var eventId = await Publisher.PublishAsync("LINK_UPDATED", WalletData, CancellationToken.None);
        var first = await _receiver.NextAsync();
        await WaitForAttemptsAsync(eventId, 1);
        _time.Advance(TimeSpan.FromSeconds(42));

        Assert.True(await _host.Services.GetRequiredService<WebhookResender>().ResendAsync(eventId, CancellationToken.None));
        var again = await _receiver.NextAsync();

        Assert.Equal(eventId, again.Id);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(long.Parse(first.Timestamp!, CultureInfo.InvariantCulture) + 42, long.Parse(again.Timestamp!, CultureInfo.InvariantCulture));
        Assert.NotEqual(first.Signature, again.Signature);
        Assert.True(PortalVerifier().Verify(again.Id, again.Timestamp, again.Signature, again.Body).IsValid);
        Assert.Equal([2, 1], (await WaitForAttemptsAsync(eventId, 2)).Select(a => a.Attempt));
    }

    [Fact]
    public async Task Resend_OfAnUnknownEvent_IsRefused()
    {
        Assert.False(await _host.Services.GetRequiredService<WebhookResender>().ResendAsync("evt_unknown", CancellationToken.None));
    }

    [Fact]
    public async Task UnreachableTarget_IsLoggedWithTheErrorClass_AndScheduledForRetry()
    {
        await _host.StopAsync(TestContext.Current.CancellationToken);
        _host.Dispose();
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            // Nothing listens on this port once the listener is gone: connection refused.
            var deadUrl = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/webhooks/rrr");
            listener.Stop();
            _host = await StartHostAsync(deadUrl);
        }

        var eventId = await Publisher.PublishAsync("POINTS_POSTED", WalletData, CancellationToken.None);

        var attempt = Assert.Single(await WaitForAttemptsAsync(eventId, 1));
        Assert.Null(attempt.ResponseStatus);
        Assert.StartsWith("HttpRequestException", attempt.Error, StringComparison.Ordinal);
        Assert.Equal(WebhookStates.Retrying, attempt.State);
    }

    private StandardWebhookVerifier PortalVerifier() =>
        new([WebhookSecret.Parse(SandboxSettings.DevWebhookSecret)], _time);

    private async Task<IHost> StartHostAsync(Uri webhookUrl)
    {
        var settings = new SandboxSettings { Url = new Uri("http://127.0.0.1:1"), DataFolder = _dataFolder, WebhookUrl = webhookUrl };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<SandboxDatabase>();
        builder.Services.AddSingleton<SandboxClock>();
        builder.Services.AddSandboxWebhooks(settings);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Moves the fake clock past a backoff until the retry arrives (the dispatcher may arm its timer just after a move).</summary>
    private async Task<ReceivedWebhook> AdvanceUntilDeliveredAsync(TimeSpan backoff)
    {
        _time.Advance(backoff);
        for (var i = 0; i < 20; i++)
        {
            try
            {
                return await _receiver.NextAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (OperationCanceledException)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        throw new TimeoutException("The retry never arrived.");
    }

    private async Task<IReadOnlyList<WebhookAttempt>> WaitForAttemptsAsync(string eventId, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var rows = await Store.ListAttemptsAsync(50, eventId, CancellationToken.None);
            if (rows.Count >= count)
            {
                return rows;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"Expected {count} attempts of {eventId}.");
    }
}
