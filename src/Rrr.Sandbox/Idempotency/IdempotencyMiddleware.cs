namespace Rrr.Sandbox.Idempotency;

/// <summary>
/// Idempotency for every POST and PATCH under <c>/v1</c>, like a payments API: the first request reserves
/// (client id, key), runs, and its response (2xx and 4xx) is stored; the same request again gets that
/// response replayed with <c>Idempotent-Replayed: true</c>; another request under the key gets 422; a
/// duplicate while the first still runs gets 409 with <c>Retry-After: 1</c>. A 5xx frees the key.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method) && !HttpMethods.IsPatch(http.Request.Method))
        {
            await next(http).ConfigureAwait(false);
            return;
        }

        var key = http.Request.Headers[KeyHeader].ToString();
        if (string.IsNullOrEmpty(key))
        {
            await Problems.WriteAsync(http, 400, "idempotency_key_required", "POST and PATCH calls need an Idempotency-Key header.").ConfigureAwait(false);
            return;
        }

        if (key.Length > MaxKeyLength)
        {
            await Problems.WriteAsync(http, 400, "validation_failed", "The Idempotency-Key is longer than 255 characters.", new Dictionary<string, object?>
            {
                ["errors"] = new Dictionary<string, string[]> { ["idempotency_key"] = ["At most 255 characters."] },
            }).ConfigureAwait(false);
            return;
        }

        var clientId = http.Request.Headers[RrrApiGate.ClientIdHeader].ToString();
        var body = await ReadBodyAsync(http).ConfigureAwait(false);
        var fingerprint = http.Request.Method + " " + http.Request.Path.Value + " " + Convert.ToHexStringLower(SHA256.HashData(body));
        var reservation = await store.ReserveAsync(clientId, key, fingerprint, http.RequestAborted).ConfigureAwait(false);
        switch (reservation.Outcome)
        {
            case ReservationOutcome.Reused:
                await Problems.WriteAsync(http, 422, "idempotency_key_reused", "This Idempotency-Key was used for a different request.").ConfigureAwait(false);
                return;
            case ReservationOutcome.InProgress:
                http.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(http, 409, "request_in_progress", "A request with this Idempotency-Key is still being processed.").ConfigureAwait(false);
                return;
            case ReservationOutcome.Replay:
                var stored = reservation.Response!;
                http.Response.StatusCode = stored.StatusCode;
                http.Response.ContentType = stored.ContentType;
                http.Response.Headers[ReplayedHeader] = "true";
                await http.Response.Body.WriteAsync(stored.Body, http.RequestAborted).ConfigureAwait(false);
                return;
        }

        await RunAndStoreAsync(http, clientId, key).ConfigureAwait(false);
    }

    private async Task RunAndStoreAsync(HttpContext http, string clientId, string key)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        RequestAmbient.IdempotencyKey = (clientId, key);
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch
        {
            RequestAmbient.IdempotencyKey = null;
            await store.ReleaseAsync(clientId, key, CancellationToken.None).ConfigureAwait(false);
            http.Response.Body = original;
            throw;
        }

        RequestAmbient.IdempotencyKey = null;
        http.Response.Body = original;
        var bytes = buffer.ToArray();
        // Written right after the ledger transaction; IdempotencyMark explains why a crash in between cannot post twice.
        if (http.Response.StatusCode >= 500)
        {
            await store.ReleaseAsync(clientId, key, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await store.CompleteAsync(clientId, key, new StoredResponse(http.Response.StatusCode, http.Response.ContentType, bytes), CancellationToken.None)
                .ConfigureAwait(false);
        }

        await original.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var copy = new MemoryStream();
        await http.Request.Body.CopyToAsync(copy, http.RequestAborted).ConfigureAwait(false);
        var bytes = copy.ToArray();
        // The endpoint reads the body again from the buffer.
        http.Request.Body = new MemoryStream(bytes, writable: false);
        return bytes;
    }
}
