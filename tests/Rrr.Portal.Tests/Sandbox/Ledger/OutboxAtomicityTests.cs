using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Sandbox.Ledger;
using static Rrr.Portal.Tests.Sandbox.Ledger.ApiGateAndIdempotencyTests;

namespace Rrr.Portal.Tests.Sandbox.Ledger;

/// <summary>
/// The transactional outbox: a ledger change and its webhook event row commit or roll back together.
/// A crash between the event insert and the commit is stood in for by throwing from
/// <see cref="LedgerDatabase.BeforeCommit"/>, after the outbox rows were written.
/// </summary>
public sealed class OutboxAtomicityTests : SandboxLedgerTest
{
    private LedgerDatabase Db => Sandbox.App.Services.GetRequiredService<LedgerDatabase>();

    [Fact]
    public async Task CrashAfterTheEventInsert_RollsBackTheChangeAndTheEvent_AndARetryPostsBothOnce()
    {
        var before = await Sandbox.AvailableAsync("rrr_m_1001");
        var key = SandboxLedgerHost.NewKey();
        long rowsInsideTransaction = -1;
        Db.BeforeCommit = async tx =>
        {
            // Only the earn's own transaction (reads and key bookkeeping write too, with no events).
            if (tx.Events.Any(e => e.Type == "POINTS_POSTED"))
            {
                rowsInsideTransaction = await tx.LongAsync("SELECT COUNT(*) FROM webhook_events WHERE body LIKE '%ord-crash%';");
                throw new SimulatedCrashException();
            }
        };

        HttpStatusCode crashed;
        try
        {
            crashed = (await Sandbox.PostAsync("/v1/earn-events", Earn("ord-crash", "IMMEDIATE"), key)).Status;
        }
        finally
        {
            Db.BeforeCommit = null;
        }

        Assert.Equal(HttpStatusCode.InternalServerError, crashed);
        Assert.Equal(1, rowsInsideTransaction); // the event row was written in the ledger transaction...
        Assert.Equal(0, await EventRowsForOrderAsync("ord-crash")); // ...and went with its rollback
        Assert.Equal(before, await Sandbox.AvailableAsync("rrr_m_1001"));
        Assert.Empty(Sandbox.Events.OfType("POINTS_POSTED"));

        // A 5xx frees the key: the retry posts the points and its event, exactly once.
        var (retried, retry, _) = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-crash", "IMMEDIATE"), key);
        Assert.Equal(HttpStatusCode.Created, retried);
        Assert.Equal(before + 25, await Sandbox.AvailableAsync("rrr_m_1001"));
        Assert.Equal(1, await EventRowsForOrderAsync("ord-crash"));
        var observed = Assert.Single(Sandbox.Events.Events, e => e.Type == "POINTS_POSTED");
        Assert.Equal(retry.GetProperty("earn_event_id").GetString(), observed.Data["earn_event_id"]);
    }

    [Fact]
    public async Task EveryCommittedChange_HasItsEventRow_WithTheSameIdAndData()
    {
        await Sandbox.PostOkAsync("/v1/earn-events", Earn("ord-outbox-1", "IMMEDIATE"), HttpStatusCode.Created);
        await Sandbox.LinkAsync("xcn_u_1002");
        var intent = await Sandbox.PostOkAsync(
            "/v1/awards/intents",
            new { model_member_id = "rrr_m_2001", viewer_xcn_user_id = "xcn_u_1001", points = 50, room_id = "room_1", stream_id = "stream_1" },
            HttpStatusCode.Created);
        await Sandbox.PostOkAsync($"/v1/awards/{intent.GetProperty("award_intent_id").GetString()}/commit");

        var rows = await EventRowsAsync();

        // POINTS_POSTED, LINK_UPDATED and one TRANSFER_COMPLETED per side of the award.
        Assert.Equal(4, Sandbox.Events.Events.Count);
        Assert.Equal(Sandbox.Events.Events.Select(e => e.EventId).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (eventId, type, data) in Sandbox.Events.Events)
        {
            using var body = JsonDocument.Parse(rows[eventId]);
            Assert.Equal(type, body.RootElement.GetProperty("type").GetString());
            Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
            Assert.Equal(data["resource_id"], body.RootElement.GetProperty("data").GetProperty("resource_id").GetString());
        }

        // No webhook URL in these tests: the events wait in the outbox, visible in the delivery log.
        var listed = await Sandbox.Browser.GetStringAsync(new Uri("/sandbox/webhooks/events", UriKind.Relative), Ct);
        using var log = JsonDocument.Parse(listed);
        Assert.All(log.RootElement.GetProperty("items").EnumerateArray(), i => Assert.Equal("PENDING", i.GetProperty("status").GetString()));
        Assert.Equal(4, log.RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ARefusedOperation_WritesNoEventRow()
    {
        var (status, _, _) = await Sandbox.PostAsync("/v1/earn-events", Earn("ord-unlinked-outbox", "IMMEDIATE", "xcn_u_1004"));

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Empty(await EventRowsAsync());
        Assert.Empty(Sandbox.Events.Events);
    }

    private async Task<Dictionary<string, string>> EventRowsAsync()
    {
        await using var connection = await Db.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT event_id, body FROM webhook_events;";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0), reader.GetString(1));
        }

        return rows;
    }

    private async Task<long> EventRowsForOrderAsync(string order) =>
        (await EventRowsAsync()).Values.Count(body => body.Contains($"\"order_number\":\"{order}\"", StringComparison.Ordinal));

    private sealed class SimulatedCrashException : Exception
    {
        public SimulatedCrashException()
            : base("Simulated crash between the outbox insert and the commit.")
        {
        }
    }
}
