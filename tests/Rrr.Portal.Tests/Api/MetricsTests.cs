using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Refit;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr.Http;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Api;

/// <summary>/metrics (Prometheus text) behind the bearer scrape key, the business gauges and the RRR call histogram.</summary>
public sealed class MetricsTests : IDisposable
{
    private const string ScrapeKey = "metrics-tests-scrape-key-0123456789abcdef";
    private const string InternalKey = "metrics-tests-internal-key-0123456789abc";

    private readonly PortalFactory portal = new();
    private readonly WebApplicationFactory<Program> factory;

    public MetricsTests()
    {
        factory = portal.WithWebHostBuilder(b =>
        {
            b.UseSetting("Metrics:ScrapeKeys:0", ScrapeKey);

            // Other test hosts' meter providers also read this host's gauges (they listen to every "Rrr.Portal"
            // meter in the process), so a snapshot may have been taken just before the test acted; 1 s keeps that short.
            b.UseSetting("Metrics:SnapshotSeconds", "1");
            b.UseSetting("Internal:ApiKeys:0", InternalKey);
            b.UseSetting("Earn:DispatcherEnabled", "false");
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        factory.Dispose();
        portal.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-scrape-key-0123456789abcdef")]
    [InlineData("Basic bWV0cmljczprZXk=")]
    public async Task A_scrape_without_the_key_is_refused(string? authorization)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsOptions.Path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("rrr_", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("member", HttpStatusCode.Forbidden)]
    [InlineData("model", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task A_signed_in_session_reads_the_metrics_only_as_an_admin(string role, HttpStatusCode expected)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, role);

        using var response = await client.GetAsync(new Uri(MetricsOptions.Path, UriKind.Relative), Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK, (await response.Content.ReadAsStringAsync(Ct)).Contains("rrr_earn_backlog", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_admin_session_with_a_wrong_bearer_key_is_still_refused()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(PortalFactory.RolesHeader, "admin");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-scrape-key-0123456789abcdefghijkl");

        using var response = await client.GetAsync(new Uri(MetricsOptions.Path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_scrape_has_every_business_metric_and_the_earn_backlog_counts_an_accepted_order()
    {
        using var orders = factory.CreateClient();
        orders.DefaultRequestHeaders.Add(InternalApiKeyHandler.HeaderName, InternalKey);
        using var paid = await orders.PostAsJsonAsync(
            new Uri(OrderEndpoints.PaidPath, UriKind.Relative),
            new { order_number = "xcn_o_metrics_1", xcn_user_id = "xcn_u_1001", product = "TOKENS", amount = "12.50", currency = "USD", paid_at = "2025-03-01T12:00:00Z" },
            Ct);
        Assert.Equal(HttpStatusCode.Accepted, paid.StatusCode);

        var text = await ScrapeUntilAsync(t => Values(t, "rrr_earn_backlog").Contains(1));

        foreach (var name in new[]
        {
            "rrr_earn_backlog", "rrr_earn_oldest_age_seconds", "rrr_earn_dead_letters", "rrr_webhooks_inbox_pending",
            "rrr_webhooks_inbox_oldest_age_seconds", "rrr_webhooks_inbox_failed", "rrr_approvals_waiting", "rrr_client_circuit_open", "rrr_blazor_circuits_open",
        })
        {
            Assert.Contains("\n" + name + "{", "\n" + text, StringComparison.Ordinal);
        }

        Assert.Contains(1, Values(text, "rrr_earn_backlog"));
        Assert.Contains(Values(text, "rrr_earn_oldest_age_seconds"), v => v > 0);
        Assert.Contains(0, Values(text, "rrr_client_circuit_open"));
    }

    [Fact]
    public async Task Open_Blazor_circuits_are_counted_by_the_circuit_handler()
    {
        var handler = factory.Services.GetServices<CircuitHandler>().OfType<CircuitCountingHandler>().Single();
        await handler.OnCircuitOpenedAsync(null!, Ct);
        await handler.OnCircuitOpenedAsync(null!, Ct);
        await handler.OnCircuitClosedAsync(null!, Ct);

        Assert.Contains(1, Values(await ScrapeUntilAsync(t => Values(t, "rrr_blazor_circuits_open").Contains(1)), "rrr_blazor_circuits_open"));
    }

    [Fact]
    public async Task The_store_is_read_at_most_once_per_snapshot_interval()
    {
        var services = factory.Services;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var snapshot = new OperationsSnapshot(
            services.GetRequiredService<IEarnOutbox>(), services.GetRequiredService<IWebhookInbox>(), services.GetRequiredService<IApprovalStore>(),
            time, new FixedSettings(new MetricsOptions { SnapshotSeconds = 15 }), NullLogger<OperationsSnapshot>.Instance);
        await Task.Yield();

        for (var i = 0; i < 20; i++)
        {
            snapshot.Current();
        }

        Assert.Equal(1, snapshot.Reads);
        time.Advance(TimeSpan.FromSeconds(14));
        snapshot.Current();
        Assert.Equal(1, snapshot.Reads);
        time.Advance(TimeSpan.FromSeconds(2));
        snapshot.Current();
        Assert.Equal(2, snapshot.Reads);
    }

    [Fact]
    public async Task Each_RRR_call_attempt_is_measured_by_route_template_and_status_class_without_ids()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        var metrics = new RrrClientMetrics(meters);
        var seen = new List<(double Seconds, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == RrrClientMetrics.CallDuration && instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => seen.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        using var handler = new RrrAttemptHandler(
            new FixedClientOptions(new RrrClientOptions { ClientId = "xcn", ApiKey = "key" }), new NullCallLog(), metrics, TimeProvider.System,
            NullLogger<RrrAttemptHandler>.Instance)
        {
            InnerHandler = new StatusHandler(HttpStatusCode.ServiceUnavailable),
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var templated = new HttpRequestMessage(HttpMethod.Get, "http://rrr.example.test/v1/members/rrr_m_4711/wallet");
        templated.Options.Set(new HttpRequestOptionsKey<string>(HttpRequestMessageOptions.RelativePathTemplate), "/v1/members/{rrrMemberId}/wallet");
        using var bare = new HttpRequestMessage(HttpMethod.Post, "http://rrr.example.test/v1/members/rrr_m_4711/links");

        // The attempt handler also refuses an unkeyed POST before sending (it took over the headers handler's check).
        bare.Headers.TryAddWithoutValidation(RrrRequest.IdempotencyKeyHeader, "link_test_1");

        (await invoker.SendAsync(templated, Ct)).Dispose();
        (await invoker.SendAsync(bare, Ct)).Dispose();

        Assert.Equal(2, seen.Count);
        Assert.Equal("GET", seen[0].Tags["method"]);
        Assert.Equal("/v1/members/{rrrMemberId}/wallet", seen[0].Tags["route"]);
        Assert.Equal("5xx", seen[0].Tags["status_class"]);
        Assert.Equal("other", seen[1].Tags["route"]);
        Assert.DoesNotContain(seen.SelectMany(s => s.Tags.Values), v => v?.ToString()?.Contains("rrr_m_4711", StringComparison.Ordinal) == true);
        Assert.All(seen, s => Assert.True(s.Seconds >= 0));
        await Task.CompletedTask;
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (at most 10 s: the snapshot and the exporter's cache age out).</summary>
    private async Task<string> ScrapeUntilAsync(Func<string, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var text = await ScrapeAsync();
            if (done(text) || DateTimeOffset.UtcNow > deadline)
            {
                return text;
            }

            await Task.Delay(250, Ct);
        }
    }

    private async Task<string> ScrapeAsync()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsOptions.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeKey);
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"scrape answered {(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>
    /// The values of the samples of <paramref name="name"/>. Several only while other test hosts run in the same
    /// process (the OpenTelemetry SDK listens to every meter of that name); a deployed portal has one.
    /// </summary>
    private static List<double> Values(string text, string name)
    {
        var values = text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(values.Count > 0, $"{name} is not in the scrape:\n{text}");
        return values;
    }

    private sealed class FixedSettings(MetricsOptions value) : IOptionsMonitor<MetricsOptions>
    {
        public MetricsOptions CurrentValue => value;

        public MetricsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<MetricsOptions, string?> listener) => null;
    }

    private sealed class FixedClientOptions(RrrClientOptions value) : IOptionsMonitor<RrrClientOptions>
    {
        public RrrClientOptions CurrentValue => value;

        public RrrClientOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RrrClientOptions, string?> listener) => null;
    }

    private sealed class NullCallLog : IRrrCallLog
    {
        public Task RecordAsync(RrrCallRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<RrrCallPage> QueryAsync(RrrCallQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class StatusHandler(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status));
    }
}
