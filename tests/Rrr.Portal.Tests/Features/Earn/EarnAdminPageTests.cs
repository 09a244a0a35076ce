using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Earn;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Earn;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Auth;
using Rrr.Portal.Features.Earn;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Earn;

public sealed class EarnAdminPageTests : PortalComponentTest, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-admin-earn-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(T0);
    private SqlitePorts sqlite = null!;
    private SqliteEarnOutbox store = null!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sqlite = SqlitePorts.Open(root, "portal.db");
        await sqlite.InitializeAsync(Ct);
        store = sqlite.Outbox;
        Services.AddSingleton<TimeProvider>(time);
        Services.AddSingleton(new EarnAdmin(store, new EarnSignal(), time));
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new EarnOptions()));
        SignInAs("Ada", PortalRoles.Admin);

        await store.TryAddManyAsync(
            [
                Paid("o-dead-1"), Paid("o-dead-2"), Paid("o-posted"), Paid("o-waiting"),
            ],
            Ct);
        await store.ClaimBatchAsync("t", 3, T0, T0.AddMinutes(1), Ct);
        await store.CompleteManyAsync(
            "t",
            [
                new OutboxCompletion(new OutboxKey("o-dead-1", OrderEventKind.Paid), CompletionKind.Dead, ErrorCode: "not_linked"),
                new OutboxCompletion(new OutboxKey("o-dead-2", OrderEventKind.Paid), CompletionKind.Dead, ErrorCode: "validation_failed"),
                new OutboxCompletion(new OutboxKey("o-posted", OrderEventKind.Paid), CompletionKind.Posted, new EarnPostResult("ee_1", 12, "POSTED")),
            ],
            T0,
            Ct);
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static EarnOrder Paid(string order) =>
        new(order, OrderEventKind.Paid, "xcn_u_1001", EarnProduct.Tokens, new Money(12.50m, "USD"), T0, T0);

    [Fact]
    public void ShowsTheBacklog_AndEachDeadLetterWithItsErrorAndAttempts()
    {
        var cut = Render<EarnAdminPage>();

        cut.WaitForAssertion(() => Assert.Contains("o-dead-1", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("2", cut.Find("[data-testid=backlog-dead]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1", cut.Find("[data-testid=backlog-posted]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1", cut.Find("[data-testid=backlog-pending]").TextContent, StringComparison.Ordinal);
        Assert.Contains("not_linked", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("validation_failed", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("o-posted", cut.Find("[aria-label='Dead letters']").OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void ShowsRecentlyDispatchedOrders_WithWhatRrrAnswered()
    {
        var cut = Render<EarnAdminPage>();

        cut.WaitForAssertion(() => Assert.Equal("o-posted", cut.Find("[data-testid=dispatched-order]").TextContent));
        var table = cut.Find("[aria-label='Recently dispatched orders']").OuterHtml;
        Assert.Contains("POSTED", table, StringComparison.Ordinal);
        Assert.DoesNotContain("o-dead-1", table, StringComparison.Ordinal);
        Assert.DoesNotContain("o-waiting", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_PutsThatRowBackInTheQueue()
    {
        var cut = Render<EarnAdminPage>();
        cut.WaitForAssertion(() => Assert.Contains("o-dead-1", cut.Markup, StringComparison.Ordinal));

        cut.Find("button[aria-label='Retry o-dead-1 PAID']").Click();

        cut.WaitForAssertion(() => Assert.DoesNotContain("o-dead-1", cut.Markup, StringComparison.Ordinal));
        var row = await ((IEarnOutbox)store).GetAsync(new OutboxKey("o-dead-1", OrderEventKind.Paid), Ct);
        Assert.Equal((OutboxStatus.Pending, 0), (row!.Status, row.Attempts));
        Assert.Equal(OutboxStatus.Dead, (await ((IEarnOutbox)store).GetAsync(new OutboxKey("o-dead-2", OrderEventKind.Paid), Ct))!.Status);
    }

    [Fact]
    public async Task RetryAll_EmptiesTheDeadLetters()
    {
        var cut = Render<EarnAdminPage>();
        cut.WaitForAssertion(() => Assert.Contains("o-dead-2", cut.Markup, StringComparison.Ordinal));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Retry all dead letters", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-dead-letters]")));
        Assert.Equal(0, (await store.CountByStatusAsync(Ct))[OutboxStatus.Dead]);
    }

    [Fact]
    public async Task ShowsHeldOrders_WithTheirEndInUtc_AndCountsTheExpiredHoldsAmongTheDeadLetters()
    {
        // Accepted before the others, so this claim takes only them.
        await store.TryAddManyAsync([Paid("o-held") with { AcceptedAt = T0.AddHours(-1) }, Paid("o-expired") with { AcceptedAt = T0.AddHours(-1) }], Ct);
        await store.ClaimBatchAsync("t", 2, T0, T0.AddMinutes(1), Ct);
        await store.CompleteManyAsync(
            "t",
            [
                OutboxCompletion.Held(new OutboxKey("o-held", OrderEventKind.Paid), T0.AddDays(30), 0),
                OutboxCompletion.Held(new OutboxKey("o-expired", OrderEventKind.Paid), T0.AddHours(1), 0),
            ],
            T0,
            Ct);
        Assert.Equal(1, await store.ExpireHeldAsync(T0.AddHours(2), Ct));

        var cut = Render<EarnAdminPage>();

        cut.WaitForAssertion(() => Assert.Equal("o-held", cut.Find("[data-testid=held-order]").TextContent));
        Assert.Equal("2025-03-31 12:00", cut.Find("[data-testid=held-until]").TextContent);
        Assert.Contains("1", cut.Find("[data-testid=backlog-held]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Held (not linked)", cut.Find("[data-testid=backlog-held]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", cut.Find("[data-testid=held-count]").TextContent.Trim());
        Assert.Contains("1 of them hold_expired", cut.Find("[data-testid=hold-expired-count]").TextContent, StringComparison.Ordinal);
        Assert.Contains(cut.FindAll("[data-testid=dead-error]"), e => e.TextContent.Contains("hold_expired", StringComparison.Ordinal));
        Assert.Contains("Holds last 30 days", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void InSpanish_TheTextsAreSpanish_NumbersSpanish_AndTimesStayUtc()
    {
        UseCulture("es");

        var cut = Render<EarnAdminPage>();

        cut.WaitForAssertion(() => Assert.Contains("o-dead-1", cut.Markup, StringComparison.Ordinal));
        Assert.Equal("Ganancia automática", cut.Find("h1").TextContent.Trim());
        Assert.Contains("Envíos fallidos", cut.Find("[data-testid=backlog-dead]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Actualizado a las 12:00:00 UTC, cada 5 s", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Desde (UTC)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("12,50 USD", cut.Find("[aria-label='Envíos fallidos']").TextContent, StringComparison.Ordinal);
        Assert.Contains("2025-03-01 12:00", cut.Find("[aria-label='Envíos fallidos']").TextContent, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("button[aria-label='Reintentar o-dead-1 PAID']"));
        Assert.Contains("Enviados recientemente", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Las retenciones duran 30 días.", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Retry all dead letters", cut.Markup, StringComparison.Ordinal);
    }
}
