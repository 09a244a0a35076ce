namespace Rrr.Sandbox.Api;

/// <summary>
/// The checks every <c>/v1</c> call passes before anything else: trace echo, bearer credential, client id.
/// Runs outside idempotency, so a refused call never reserves a key.
/// </summary>
internal sealed class RrrApiGate(RequestDelegate next, SandboxSettings settings)
{
    public const string TraceHeader = "X-Request-Trace";
    public const string ClientIdHeader = "X-Client-Id";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + settings.ApiKey);

    public async Task InvokeAsync(HttpContext http)
    {
        var trace = http.Request.Headers[TraceHeader].ToString();
        if (string.IsNullOrWhiteSpace(trace) || trace.Length > 128)
        {
            trace = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        }

        RequestAmbient.TraceId = trace;
        http.Response.Headers[TraceHeader] = trace;

        var presented = Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString());
        if (!CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.WriteAsync(http, 401, "unauthorized", "A valid RRR API credential is required.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(http.Request.Headers[ClientIdHeader]))
        {
            await Problems.WriteAsync(http, 400, "client_id_required", "The X-Client-Id header is required.").ConfigureAwait(false);
            return;
        }

        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (BadHttpRequestException) when (!http.Response.HasStarted)
        {
            // Unreadable JSON or a missing body: say so in the contract's shape instead of a bare 400.
            await Problems.WriteAsync(http, 400, "validation_failed", "The request body is missing or is not valid JSON.").ConfigureAwait(false);
        }
    }
}

/// <summary>Innermost: turns a ledger refusal into its problem response, so idempotency stores and replays it.</summary>
internal sealed class LedgerProblemTranslation(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (LedgerProblem problem) when (!http.Response.HasStarted)
        {
            await Problems.WriteAsync(http, problem.Status, problem.Code, problem.Message, problem.Extras).ConfigureAwait(false);
        }
    }
}
