namespace Rrr.Sandbox.Faults;

/// <summary><c>/sandbox/faults</c> and the middleware that applies them to <c>/v1</c>.</summary>
public static class FaultEndpoints
{
    public const int MaxLatencyMs = 60_000;
    public const int MaxFailNextCount = 1_000;

    public static IServiceCollection AddSandboxFaults(this IServiceCollection services) =>
        services.AddSingleton<FaultState>();

    /// <summary>Place before the <c>/v1</c> API's own middleware (credential, idempotency).</summary>
    public static IApplicationBuilder UseSandboxFaults(this IApplicationBuilder app) =>
        app.UseMiddleware<FaultMiddleware>();

    public static IEndpointRouteBuilder MapSandboxFaults(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sandbox/faults", (Func<FaultState, IResult>)Get);
        app.MapPut("/sandbox/faults", (Func<HttpContext, FaultState, Task<IResult>>)PutAsync);
        return app;
    }

    internal sealed record FailNextDto(int? Count, int? Status, bool? AfterCommit);

    internal sealed record FaultsDto(int? LatencyMs, decimal? ErrorRate, bool? Outage, FailNextDto? FailNext)
    {
        public static FaultsDto From(FaultSettings s) =>
            new(s.LatencyMs, s.ErrorRate, s.Outage, new FailNextDto(s.FailNext.Count, s.FailNext.Status, s.FailNext.AfterCommit));
    }

    /// <summary>Missing members take their defaults (PUT replaces the whole state).</summary>
    internal static (FaultSettings? Settings, string? Field, string? Message) Validate(FaultsDto dto)
    {
        var latency = dto.LatencyMs ?? 0;
        if (latency is < 0 or > MaxLatencyMs)
        {
            return (null, "latency_ms", $"latency_ms must be from 0 to {MaxLatencyMs}.");
        }

        var rate = dto.ErrorRate ?? 0m;
        if (rate is < 0m or > 1m)
        {
            return (null, "error_rate", "error_rate must be from 0 to 1.");
        }

        var count = dto.FailNext?.Count ?? 0;
        if (count is < 0 or > MaxFailNextCount)
        {
            return (null, "fail_next.count", $"fail_next.count must be from 0 to {MaxFailNextCount}.");
        }

        var status = dto.FailNext?.Status ?? StatusCodes.Status503ServiceUnavailable;
        if (status is < 400 or > 599)
        {
            return (null, "fail_next.status", "fail_next.status must be an HTTP error status (400–599).");
        }

        return (new FaultSettings
        {
            LatencyMs = latency,
            ErrorRate = rate,
            Outage = dto.Outage ?? false,
            FailNext = new FailNextSettings { Count = count, Status = status, AfterCommit = dto.FailNext?.AfterCommit ?? false },
        }, null, null);
    }

    private static IResult Get(FaultState state) => SandboxJson.Ok(FaultsDto.From(state.Current));

    private static async Task<IResult> PutAsync(HttpContext http, FaultState state)
    {
        var (dto, problem) = await SandboxProblems.ReadJsonAsync<FaultsDto>(http);
        if (problem is not null)
        {
            return problem;
        }

        var (settings, field, message) = Validate(dto!);
        if (settings is null)
        {
            return SandboxProblems.Validation(http, field!, message!);
        }

        state.Set(settings);
        return SandboxJson.Ok(FaultsDto.From(settings));
    }
}
