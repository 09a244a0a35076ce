using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace Rrr.Sandbox.Xcn;

/// <summary>A simulated purchase and what the portal answered.</summary>
internal sealed record SimulatedOrder(
    string OrderNumber, string XcnUserId, string Product, string Amount, string Currency, DateTimeOffset PaidAt,
    int PortalStatus, string? OutboxStatus, bool Refunded, string? MembershipPlan = null);

/// <summary>What one call to the portal's internal order endpoint came back with.</summary>
internal sealed record PortalAnswer(int Status, string? OutboxStatus, string? Error);

/// <summary>
/// Stands in for XCN's payment system: reports paid and refunded orders to the portal's
/// <c>/internal/orders/*</c> with the internal key, as the real payment system would after a checkout.
/// Remembers the purchases of this sandbox run so the page can offer refunds.
/// </summary>
internal sealed class XcnPayments(IHttpClientFactory httpFactory, SandboxSettings settings, TimeProvider time)
{
    public const string HttpClientName = "xcn-payments";
    public const string Currency = "USD";
    public const int MaxRemembered = 200;

    private readonly ConcurrentQueue<SimulatedOrder> recent = new();

    public bool Enabled => settings.PortalUrl is not null;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<SimulatedOrder> Recent => recent.Reverse().ToList();

    public static string NewOrderNumber() => "xcn_o_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <param name="membershipPlan">XCN's plan code, sent as <c>membership_plan</c> (memberships only).</param>
    public async Task<(SimulatedOrder Order, PortalAnswer Answer)> PurchaseAsync(
        string xcnUserId, string product, decimal amount, string? orderNumber, string? membershipPlan, CancellationToken cancellationToken)
    {
        var order = orderNumber ?? NewOrderNumber();
        var paidAt = time.GetUtcNow();
        var amountText = amount.ToString("0.00", CultureInfo.InvariantCulture);
        var body = new Dictionary<string, string>
        {
            ["order_number"] = order,
            ["xcn_user_id"] = xcnUserId,
            ["product"] = product,
            ["amount"] = amountText,
            ["currency"] = Currency,
            ["paid_at"] = SandboxJson.Timestamp(paidAt),
        };
        if (membershipPlan is not null)
        {
            body["membership_plan"] = membershipPlan;
        }

        var answer = await PostAsync("internal/orders/paid", body, cancellationToken);
        var simulated = new SimulatedOrder(
            order, xcnUserId, product, amountText, Currency, paidAt, answer.Status, answer.OutboxStatus, false, membershipPlan);
        if (answer.Status is >= 200 and < 300)
        {
            Remember(simulated);
        }

        return (simulated, answer);
    }

    public async Task<PortalAnswer> RefundAsync(string orderNumber, string xcnUserId, string product, CancellationToken cancellationToken)
    {
        var answer = await PostAsync("internal/orders/refunded", new Dictionary<string, string>
        {
            ["order_number"] = orderNumber,
            ["xcn_user_id"] = xcnUserId,
            ["product"] = product,
            ["refunded_at"] = SandboxJson.Timestamp(time.GetUtcNow()),
        }, cancellationToken);
        if (answer.Status is >= 200 and < 300 && recent.FirstOrDefault(o => o.OrderNumber == orderNumber) is { } known)
        {
            Remember(known with { Refunded = true });
        }

        return answer;
    }

    public SimulatedOrder? Find(string orderNumber) => Recent.FirstOrDefault(o => o.OrderNumber == orderNumber);

    private void Remember(SimulatedOrder order)
    {
        // Replace an earlier entry of the same order (a refund updates it), keep the newest MaxRemembered.
        var others = recent.Where(o => o.OrderNumber != order.OrderNumber).ToList();
        recent.Clear();
        foreach (var other in others.TakeLast(MaxRemembered - 1))
        {
            recent.Enqueue(other);
        }

        recent.Enqueue(order);
    }

    private async Task<PortalAnswer> PostAsync(string path, Dictionary<string, string> body, CancellationToken cancellationToken)
    {
        var portal = settings.PortalUrl ?? throw new InvalidOperationException("No portal URL: the purchase simulator is off.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portal, path)) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Internal-Key", settings.PortalInternalKey);
        var http = httpFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string? outbox = null;
            string? error = null;
            try
            {
                using var json = JsonDocument.Parse(text);
                outbox = json.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                error = json.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            }
            catch (JsonException)
            {
                // Not JSON (e.g. an HTML error page): the status says enough.
            }

            return new PortalAnswer(status, outbox, error);
        }
        catch (HttpRequestException)
        {
            return new PortalAnswer(0, null, "The portal could not be reached.");
        }
    }
}
