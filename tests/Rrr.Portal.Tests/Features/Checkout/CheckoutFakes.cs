using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Checkout;
using Rrr.Core.Features.Earn;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Redemptions;
using Rrr.Core.Rrr.Topups;
using Rrr.Portal.Tests.Features.Wallet;

namespace Rrr.Portal.Tests.Features.Checkout;

/// <summary>
/// RRR's redemption and top-up APIs as a tiny ledger: quotes hold points, commit/reverse settle them, and
/// every keyed call is replayed by its Idempotency-Key (answers and refusals alike), as RRR does.
/// </summary>
public sealed class FakeCheckoutRrr : IRrrRedemptionsApi, IRrrTopupsApi
{
    public const decimal PointValue = 0.01m;
    public const decimal TopupPrice = 0.03m;

    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> replies = new();
    private readonly TimeProvider time;
    private int ids;

    public FakeCheckoutRrr(TimeProvider time) => this.time = time;

    public ConcurrentDictionary<string, long> Available { get; } = new();

    public ConcurrentDictionary<string, (string Member, long Points, RedemptionStatus Status, DateTimeOffset Expires)> Quotes { get; } = new();

    public ConcurrentDictionary<string, (string Member, long Points, bool Posted)> TopupQuotes { get; } = new();

    /// <summary>Calls that reached the ledger (not replays), by operation.</summary>
    public ConcurrentQueue<string> Executed { get; } = new();

    public bool Down { get; set; }

    /// <summary>When set, keyed calls wait for it (to observe a step while it runs).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public string Currency { get; set; } = "USD";

    public int Count(string operation) => Executed.Count(e => e == operation);

    public long Escrow(string member) => Quotes.Values.Where(q => q.Member == member && q.Status == RedemptionStatus.Held).Sum(q => q.Points);

    public Task<RedemptionOptions> GetOptionsAsync(string rrrMemberId, decimal cartTotal, string currency, CancellationToken cancellationToken = default)
    {
        ThrowIfDown("GetOptionsAsync");
        var available = Available.GetValueOrDefault(rrrMemberId);
        var max = Math.Min(available, (long)decimal.Floor(cartTotal / PointValue)) / 100 * 100;
        var options = new List<RedemptionOption>();
        for (var p = 100L; p <= max; p += 100)
        {
            options.Add(new RedemptionOption(p, new Money(p * PointValue, Currency)));
        }

        return Task.FromResult(new RedemptionOptions(rrrMemberId, available, new Money(PointValue, Currency), max, options));
    }

    public Task<RedemptionQuote> CreateQuoteAsync(CreateRedemptionQuoteRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed(idempotencyKey, "quote", () =>
        {
            var available = Available.GetValueOrDefault(request.RrrMemberId);
            if (request.Points > available)
            {
                throw Problem(422, RrrErrorCodes.InsufficientPoints);
            }

            Available[request.RrrMemberId] = available - request.Points;
            var id = "rq_" + Interlocked.Increment(ref ids);
            var expires = time.GetUtcNow().AddMinutes(15);
            Quotes[id] = (request.RrrMemberId, request.Points, RedemptionStatus.Held, expires);
            return new RedemptionQuote(id, request.RrrMemberId, request.Points, new Money(request.Points * PointValue, Currency), RedemptionStatus.Held, expires);
        });

    public Task<RedemptionCommit> CommitAsync(string quoteId, CommitRedemptionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed(idempotencyKey, "commit", () =>
        {
            var quote = Held(quoteId);
            Quotes[quoteId] = quote with { Status = RedemptionStatus.Committed };
            return new RedemptionCommit("rd_" + quoteId, quoteId, quote.Points, RedemptionStatus.Committed);
        });

    public Task<RedemptionReversal> ReverseAsync(string quoteId, ReverseRedemptionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed(idempotencyKey, "reverse", () =>
        {
            var quote = Held(quoteId);
            Quotes[quoteId] = quote with { Status = RedemptionStatus.Reversed };
            Available.AddOrUpdate(quote.Member, quote.Points, (_, a) => a + quote.Points);
            return new RedemptionReversal(quoteId, quote.Points, RedemptionStatus.Reversed);
        });

    public Task<TopupQuote> CreateQuoteAsync(CreateTopupQuoteRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed(idempotencyKey, "topup_quote", () =>
        {
            var id = "tq_" + Interlocked.Increment(ref ids);
            TopupQuotes[id] = (request.RrrMemberId, request.Bundle, false);
            return new TopupQuote(id, request.RrrMemberId, request.Bundle, new Money(request.Bundle * TopupPrice, Currency), time.GetUtcNow().AddMinutes(15));
        });

    public Task<TopupCommit> CommitAsync(string quoteId, CommitTopupRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed(idempotencyKey, "topup_commit", () =>
        {
            var quote = TopupQuotes[quoteId];
            if (quote.Posted)
            {
                throw Problem(409, RrrErrorCodes.InvalidState);
            }

            TopupQuotes[quoteId] = quote with { Posted = true };
            Available.AddOrUpdate(quote.Member, quote.Points, (_, a) => a + quote.Points);
            return new TopupCommit("tu_" + quoteId, quoteId, quote.Points, TopupStatus.Posted);
        });

    /// <summary>RRR's own expiry: the escrow goes back to the member.</summary>
    public void Expire(string quoteId)
    {
        var quote = Quotes[quoteId];
        Quotes[quoteId] = quote with { Status = RedemptionStatus.Expired };
        Available.AddOrUpdate(quote.Member, quote.Points, (_, a) => a + quote.Points);
    }

    private (string Member, long Points, RedemptionStatus Status, DateTimeOffset Expires) Held(string quoteId)
    {
        var quote = Quotes[quoteId];
        return quote.Status switch
        {
            RedemptionStatus.Held => quote,
            RedemptionStatus.Expired => throw Problem(422, RrrErrorCodes.QuoteExpired),
            _ => throw Problem(409, RrrErrorCodes.InvalidState),
        };
    }

    private async Task<T> Keyed<T>(string key, string operation, Func<T> run)
    {
        ThrowIfDown(operation);
        Assert.True(IdempotencyKeys.IsValid(key));
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        var reply = replies.GetOrAdd(key, _ => new Lazy<Task<object>>(() =>
        {
            Executed.Enqueue(operation);
            try
            {
                return Task.FromResult<object>(run()!);
            }
            catch (RrrProblemException ex)
            {
                return Task.FromException<object>(ex);
            }
        }));
        return (T)await reply.Value;
    }

    private void ThrowIfDown(string operation)
    {
        if (Down)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.ServerError, operation, null);
        }
    }

    private static RrrProblemException Problem(int status, string code) =>
        new(new RrrProblem { Status = status, Code = code }, "fake", null);
}

/// <summary>A checkout service per "circuit" over shared storage, RRR and payments, like several tabs or instances.</summary>
public sealed class CheckoutHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempSqliteStore db = new();

    public CheckoutHarness()
    {
        Rrr = new FakeCheckoutRrr(Time);
        Links.Links["xcn_u_1001"] = FakeLinksApi.Linked("xcn_u_1001", "rrr_m_1001");
        Links.Links["xcn_u_1003"] = FakeLinksApi.Linked("xcn_u_1003", "rrr_m_1003");
        Rrr.Available["rrr_m_1001"] = 1250;
        Rrr.Available["rrr_m_1003"] = 80;
        Intake = new EarnIntake(db.Store.Outbox, new EarnSignal());
    }

    public FakeTimeProvider Time { get; } = new(T0);

    public FakeLinksApi Links { get; } = new();

    public FakeCheckoutRrr Rrr { get; }

    public SimulatedXcnPaymentGateway Payments { get; } = new();

    public CheckoutLocks Locks { get; } = new();

    /// <summary>Runs right after a charge, e.g. to take RRR down between payment and commit.</summary>
    public Action? AfterCharge { get; set; }

    public EarnIntake Intake { get; }

    public global::Rrr.Persistence.Sqlite.SqlitePorts Store => db.Store;

    public CheckoutOptions Options { get; } = new()
    {
        Currency = "USD",
        TopupBundles = [100, 250, 500],
        Packs =
        [
            new TokenPack { Id = "taster", Name = "Taster", Tokens = 10, Price = 1.49m },
            new TokenPack { Id = "starter", Name = "Starter", Tokens = 100, Price = 10.99m },
        ],
    };

    /// <summary>A new circuit for <paramref name="xcnUserId"/>; <paramref name="locks"/> null = its own instance (no shared lock).</summary>
    public CheckoutService For(string xcnUserId, CheckoutLocks? locks = null)
    {
        var identity = new FixedIdentity(xcnUserId);
        var links = new LinkStatusService(identity, Links, Store.Links, Time, NullLogger<LinkStatusService>.Instance);
        return new CheckoutService(
            identity, links, Store.Orders, Rrr, Rrr, new HookedPayments(this), Intake, locks ?? Locks,
            new RrrCircuitState(), Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<CheckoutService>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await Intake.DisposeAsync();
        Locks.Dispose();
        db.Dispose();
    }
}

internal sealed class HookedPayments(CheckoutHarness harness) : IXcnPaymentGateway
{
    public async Task<XcnChargeResult> ChargeAsync(XcnCharge charge, CancellationToken cancellationToken)
    {
        var result = await harness.Payments.ChargeAsync(charge, cancellationToken);
        harness.AfterCharge?.Invoke();
        harness.AfterCharge = null;
        return result;
    }

    public Task RefundAsync(string paymentRef, CancellationToken cancellationToken) => harness.Payments.RefundAsync(paymentRef, cancellationToken);
}
