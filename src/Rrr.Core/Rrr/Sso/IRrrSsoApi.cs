namespace Rrr.Core.Rrr.Sso;

public interface IRrrSsoApi
{
    /// <summary>Key: <see cref="Http.IdempotencyKeys.SsoTicket"/> (a fresh attempt id per click: tickets are single-use).</summary>
    [Post("/v1/sso/tickets")]
    Task<SsoTicket> CreateTicketAsync([Body] CreateSsoTicketRequest request, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken = default);
}
