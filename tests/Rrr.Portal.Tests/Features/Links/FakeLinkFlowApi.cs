using System.Collections.Concurrent;
using System.Text.Json;
using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Links;
using Rrr.Core.Rrr.Sso;

namespace Rrr.Portal.Tests.Features.Links;

/// <summary>
/// RRR's links API with the sandbox's rules (docs/rrr-wire.md): codes, five tries, expiry, either side linked,
/// idempotent replay per key. Records every key it was sent; <see cref="Down"/> simulates an outage.
/// </summary>
public sealed class FakeLinkFlowApi : IRrrLinksApi
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, object> replies = new(StringComparer.Ordinal);
    private int nextId;

    public sealed class Intent
    {
        public required string IntentId { get; init; }

        public required string XcnUserId { get; init; }

        public required string RrrMemberId { get; init; }

        public required string Code { get; init; }

        public int Left { get; set; } = 5;

        public bool Expired { get; set; }

        public string Status { get; set; } = "OPEN";
    }

    /// <summary>Current link per XCN user (LINKED or REVOKED).</summary>
    public ConcurrentDictionary<string, LinkState> Links { get; } = new();

    /// <summary>RRR members that exist; a targeted intent for another one is 404.</summary>
    public HashSet<string> Members { get; } = ["rrr_m_1001", "rrr_m_1002", "rrr_m_1003"];

    public List<Intent> Intents { get; } = [];

    public ConcurrentQueue<(string Operation, string Key)> Keys { get; } = new();

    public ConcurrentQueue<string> Revoked { get; } = new();

    public bool Down { get; set; }

    /// <summary>The code the next intent sends to the RRR inbox.</summary>
    public string NextCode { get; set; } = "482913";

    public long Version { get; private set; }

    public Intent Last => Intents[^1];

    public void Link(string xcnUserId, string rrrMemberId)
    {
        Version++;
        Links[xcnUserId] = new LinkState(xcnUserId, LinkStatus.Linked, "lnk_" + xcnUserId, rrrMemberId, LinkType.Account,
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Version);
    }

    public Task<LinkIntent> CreateIntentAsync(CreateLinkIntentRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed("intent", idempotencyKey, () =>
        {
            var member = request.RrrMemberId ?? "rrr_m_new_" + request.XcnUserId;
            if (request.RrrMemberId is not null && !Members.Contains(request.RrrMemberId))
            {
                throw Problem(404, RrrErrorCodes.NotFound);
            }

            RefuseIfLinked(request.XcnUserId, member);
            var intent = new Intent
            {
                IntentId = "li_" + ++nextId, XcnUserId = request.XcnUserId, RrrMemberId = member, Code = NextCode,
            };
            Intents.Add(intent);
            Version++;
            return new LinkIntent(intent.IntentId, request.XcnUserId, new DateTimeOffset(2026, 3, 1, 12, 15, 0, TimeSpan.Zero), "rrr_inbox", 5);
        });

    public Task<ConfirmedLink> ConfirmAsync(ConfirmLinkRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed("confirm", idempotencyKey, () =>
        {
            var intent = Intents.SingleOrDefault(i => i.IntentId == request.IntentId) ?? throw Problem(404, RrrErrorCodes.NotFound);
            if (intent.Status == "CONSUMED")
            {
                throw Problem(409, RrrErrorCodes.AlreadyLinked);
            }

            if (intent.Status == "VOID")
            {
                throw Problem(422, RrrErrorCodes.IntentVoid);
            }

            if (intent.Expired)
            {
                throw Problem(422, RrrErrorCodes.IntentExpired);
            }

            if (request.Code != intent.Code)
            {
                intent.Left--;
                if (intent.Left == 0)
                {
                    intent.Status = "VOID";
                    throw Problem(422, RrrErrorCodes.IntentVoid);
                }

                throw Problem(422, RrrErrorCodes.InvalidCode, ("attempts_remaining", intent.Left));
            }

            RefuseIfLinked(intent.XcnUserId, intent.RrrMemberId);
            intent.Status = "CONSUMED";
            Link(intent.XcnUserId, intent.RrrMemberId);
            var link = Links[intent.XcnUserId];
            return new ConfirmedLink(link.LinkId!, intent.XcnUserId, intent.RrrMemberId, LinkStatus.Linked, link.LinkedAt!.Value, link.Version);
        });

    public Task<LinkState> GetAsync(string xcnUserId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (Down)
            {
                throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrLinksApi.GetAsync", null);
            }

            if (Links.TryGetValue(xcnUserId, out var link) && link.Status == LinkStatus.Linked)
            {
                return Task.FromResult(link);
            }

            if (Intents.Any(i => i.XcnUserId == xcnUserId && i.Status == "OPEN" && !i.Expired))
            {
                return Task.FromResult(new LinkState(xcnUserId, LinkStatus.Pending, null, null, null, null, Version));
            }

            return Task.FromResult(link ?? new LinkState(xcnUserId, LinkStatus.NotLinked, null, null, null, null, Version));
        }
    }

    public Task<RevokedLink> RevokeAsync(string linkId, RevokeLinkRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Keyed("revoke", idempotencyKey, () =>
        {
            var link = Links.Values.SingleOrDefault(l => l.LinkId == linkId) ?? throw Problem(404, RrrErrorCodes.NotFound);
            if (link.Status != LinkStatus.Linked)
            {
                throw Problem(409, RrrErrorCodes.InvalidState);
            }

            Version++;
            Links[link.XcnUserId] = link with { Status = LinkStatus.Revoked, Version = Version };
            Revoked.Enqueue(linkId);
            return new RevokedLink(linkId, link.XcnUserId, link.RrrMemberId!, LinkStatus.Revoked, DateTimeOffset.UnixEpoch, Version);
        });

    private void RefuseIfLinked(string xcnUserId, string rrrMemberId)
    {
        if (Links.Values.Any(l => l.Status == LinkStatus.Linked && (l.XcnUserId == xcnUserId || l.RrrMemberId == rrrMemberId)))
        {
            throw Problem(409, RrrErrorCodes.AlreadyLinked);
        }
    }

    // RRR stores 2xx and 4xx answers per key and replays them; 5xx (here: Down) is not stored.
    private Task<T> Keyed<T>(string operation, string key, Func<T> run)
    {
        lock (gate)
        {
            Keys.Enqueue((operation, key));
            if (Down)
            {
                throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrLinksApi." + operation, null);
            }

            if (replies.TryGetValue(key, out var stored))
            {
                return stored is RrrProblemException replayed ? throw replayed : Task.FromResult((T)stored);
            }

            try
            {
                var result = run()!;
                replies[key] = result;
                return Task.FromResult(result);
            }
            catch (RrrProblemException ex)
            {
                replies[key] = ex;
                throw;
            }
        }
    }

    public static RrrProblemException Problem(int status, string code, params (string Name, object Value)[] extensions) =>
        new(new RrrProblem
        {
            Status = status,
            Code = code,
            Extensions = extensions.ToDictionary(e => e.Name, e => JsonSerializer.SerializeToElement(e.Value)),
        }, "IRrrLinksApi", "trace-test");
}

/// <summary>RRR's SSO API: mints a consume URL per key (replayed for the same key), or is down.</summary>
public sealed class FakeSsoApi : IRrrSsoApi
{
    public const string ConsumeBase = "http://sandbox.example.test/sso/consume?ticket=";

    public ConcurrentQueue<(string RrrMemberId, Uri? ReturnTo, string Key)> Calls { get; } = new();

    public bool Down { get; set; }

    public RrrProblemException? Refuse { get; set; }

    public Task<SsoTicket> CreateTicketAsync(CreateSsoTicketRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((request.RrrMemberId, request.ReturnTo, idempotencyKey));
        if (Down)
        {
            throw new RrrUnavailableException(RrrUnavailableReason.ServerError, "IRrrSsoApi.CreateTicketAsync", null);
        }

        if (Refuse is { } refusal)
        {
            throw refusal;
        }

        return Task.FromResult(new SsoTicket(new Uri(ConsumeBase + "tkt_secret_" + Calls.Count), DateTimeOffset.UnixEpoch.AddSeconds(60)));
    }
}
