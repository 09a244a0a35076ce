using System.Collections.Concurrent;
using System.Text.Json;
using FluentValidation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features;
using Rrr.Core.Features.Awards;
using Rrr.Core.Features.Links;
using Rrr.Core.Features.Members;
using Rrr.Core.Features.Webhooks;
using Rrr.Core.Rrr.Awards;
using Rrr.Core.Rrr.Http;
using Rrr.Portal.Tests.Features.Wallet;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Awards;

/// <summary>
/// RRR's awards API with RRR's idempotency: a key seen before replays its first answer (success or refusal),
/// so tests can count awards exactly as the ledger would. <see cref="NotLinkedViewers"/> answer not_linked.
/// </summary>
public sealed class FakeAwardsApi(FakeTimeProvider time) : IRrrAwardsApi
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> byKey = new();
    private readonly ConcurrentDictionary<string, CreateAwardIntentRequest> intents = new();

    public HashSet<string> NotLinkedViewers { get; } = [];

    public ConcurrentDictionary<string, long> Balances { get; } = new();

    public ConcurrentQueue<CreateAwardIntentRequest> IntentBodies { get; } = new();

    public List<Award> Committed { get; } = [];

    public bool Down { get; set; }

    public bool CommitDown { get; set; }

    public TaskCompletionSource? IntentGate { get; set; }

    public Task<AwardIntent> CreateIntentAsync(CreateAwardIntentRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrAwardsApi.CreateIntentAsync", "trace_down");
        }

        IntentBodies.Enqueue(request);
        return Replay<AwardIntent>(idempotencyKey, async () =>
        {
            if (IntentGate is { } gate)
            {
                await gate.Task;
            }

            if (NotLinkedViewers.Contains(request.ViewerXcnUserId))
            {
                throw Problem("not_linked", "This viewer has not linked a RedRoomRewards account yet, so they cannot receive points.");
            }

            if (Balances.GetValueOrDefault(request.ModelMemberId) < request.Points)
            {
                throw Problem("insufficient_points", "Not enough points available.",
                    ("available_points", Balances.GetValueOrDefault(request.ModelMemberId)));
            }

            var intent = new AwardIntent("ai_" + intents.Count, "rrr_m_" + request.ViewerXcnUserId, request.Points, time.GetUtcNow().AddMinutes(5));
            intents[intent.AwardIntentId] = request;
            return intent;
        });
    }

    public Task<Award> CommitAsync(string awardIntentId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        if (CommitDown)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.Timeout, "IRrrAwardsApi.CommitAsync", "trace_commit_down");
        }

        return Replay<Award>(idempotencyKey, () =>
        {
            var request = intents[awardIntentId];
            Balances[request.ModelMemberId] -= request.Points;
            var award = new Award("aw_" + Committed.Count, awardIntentId, request.Points, AwardStatus.Committed, time.GetUtcNow());
            lock (Committed)
            {
                Committed.Add(award);
            }

            return Task.FromResult(award);
        });
    }

    private async Task<T> Replay<T>(string key, Func<Task<T>> first)
    {
        var answer = byKey.GetOrAdd(key, _ => new Lazy<Task<object>>(async () =>
        {
            try
            {
                return (object)(await first())!;
            }
            catch (RrrProblemException ex)
            {
                return ex;
            }
        }));
        var result = await answer.Value;
        return result is RrrProblemException problem ? throw problem : (T)result;
    }

    private static RrrProblemException Problem(string code, string detail, params (string Name, long Value)[] extensions) =>
        new(new RrrProblem
        {
            Type = "https://sandbox.rrr.local/problems/" + code,
            Title = code,
            Status = 422,
            Detail = detail,
            Code = code,
            Extensions = extensions.ToDictionary(e => e.Name, e => JsonSerializer.SerializeToElement(e.Value)),
        }, "IRrrAwardsApi", "trace_problem");
}

/// <summary>An <see cref="AwardService"/> over fakes of RRR, a real SQLite store and luna's configured room.</summary>
public sealed class AwardHarness : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private ViewerLinkHintCache? hintCache;

    public AwardHarness(string modelXcnUserId = "xcn_u_2001")
    {
        Time = new FakeTimeProvider(T0);
        Awards = new FakeAwardsApi(Time);
        Identity = new FixedIdentity(modelXcnUserId);
        Links.Links["xcn_u_2001"] = FakeLinksApi.Linked("xcn_u_2001", "rrr_m_2001");
        Links.Links["xcn_u_2002"] = FakeLinksApi.Linked("xcn_u_2002", "rrr_m_2002");
        Links.Links["xcn_u_1003"] = FakeLinksApi.Linked("xcn_u_1003", "rrr_m_1003");
        Awards.Balances["rrr_m_2001"] = 10_000;
        Awards.Balances["rrr_m_2002"] = 10_000;
        Awards.NotLinkedViewers.Add("xcn_u_1004");
        Rooms = new XcnRoomOptions
        {
            Rooms =
            [
                Room("xcn_u_2001", "room_luna", "stream_luna"),
                Room("xcn_u_2002", "room_nova", "stream_nova"),
            ],
        };
    }

    public FakeTimeProvider Time { get; }

    public FakeAwardsApi Awards { get; }

    public FakeLinksApi Links { get; } = new();

    /// <summary>The portal's notifier, for LINK_UPDATED events that drop cached viewer hints.</summary>
    public PortalEvents Notifier { get; } = new(NullLogger<PortalEvents>.Instance);

    /// <summary>One per harness, as the portal has one (a singleton) behind every circuit.</summary>
    public ViewerLinkHintCache HintCache => hintCache ??= new ViewerLinkHintCache(Notifier, Time);

    public FixedIdentity Identity { get; }

    public TempSqliteStore Db { get; } = new();

    public XcnRoomOptions Rooms { get; }

    public AwardOptions Options { get; } = new() { MaxPoints = 10_000 };

    public AwardService CreateService()
    {
        var links = new LinkStatusService(Identity, Links, Db.Store.Links, Time, NullLogger<LinkStatusService>.Instance);
        var members = new CurrentMemberService(Identity, links);
        return new AwardService(
            members,
            new ConfiguredXcnRoomDirectory(new StaticMonitor<XcnRoomOptions>(Rooms)),
            Awards,
            new ViewerLinkHintReader(Links, HintCache),
            Db.Store.Awards,
            Db.Store.Audit,
            new AwardRequestValidator(Microsoft.Extensions.Options.Options.Create(Options), TestLocalizer.For<AwardMessages>()),
            Microsoft.Extensions.Options.Options.Create(Options),
            TestLocalizer.For<AwardMessages>(),
            Time,
            NullLogger<AwardService>.Instance);
    }

    public StreamAwards CreateStreamAwards()
    {
        var links = new LinkStatusService(Identity, Links, Db.Store.Links, Time, NullLogger<LinkStatusService>.Instance);
        return new StreamAwards(
            new CurrentMemberService(Identity, links), new ConfiguredXcnRoomDirectory(new StaticMonitor<XcnRoomOptions>(Rooms)),
            Db.Store.Awards, Microsoft.Extensions.Options.Options.Create(Options), Time);
    }

    public void Dispose()
    {
        hintCache?.Dispose();
        Db.Dispose();
    }

    private static ConfiguredRoom Room(string model, string roomId, string streamId) => new()
    {
        ModelXcnUserId = model,
        RoomId = roomId,
        StreamId = streamId,
        Title = roomId,
        Viewers =
        [
            new ConfiguredViewer { XcnUserId = "xcn_u_1003", DisplayName = "oli" },
            new ConfiguredViewer { XcnUserId = "xcn_u_1004", DisplayName = "pia" },
        ],
    };

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
