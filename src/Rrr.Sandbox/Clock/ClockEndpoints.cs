namespace Rrr.Sandbox.Clock;

/// <summary><c>/sandbox/clock</c>: read, advance (runs what became due in the ledger) and reset the sandbox clock.</summary>
public static class ClockEndpoints
{
    public const long MaxAdvanceHours = 8760;

    public static IEndpointRouteBuilder MapSandboxClock(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox/clock");
        group.MapGet("", (Func<SandboxClock, IResult>)Get);
        group.MapPost("/advance", (Func<HttpContext, SandboxClock, Task<IResult>>)AdvanceAsync);
        group.MapPost("/reset", (Func<HttpContext, SandboxClock, Task<IResult>>)ResetAsync);
        return app;
    }

    internal sealed record ClockDto(DateTimeOffset Now, decimal OffsetHours)
    {
        public static ClockDto From(SandboxClock clock) =>
            new(clock.GetUtcNow(), decimal.Round((decimal)clock.Offset.TotalSeconds / 3600m, 4));
    }

    internal sealed record AdvanceDto(long? Hours);

    internal static bool IsValidAdvance(long hours) => hours is >= 1 and <= MaxAdvanceHours;

    private static IResult Get(SandboxClock clock) => SandboxJson.Ok(ClockDto.From(clock));

    private static async Task<IResult> AdvanceAsync(HttpContext http, SandboxClock clock)
    {
        var (dto, problem) = await SandboxProblems.ReadJsonAsync<AdvanceDto>(http);
        if (problem is not null)
        {
            return problem;
        }

        if (dto!.Hours is not { } hours || !IsValidAdvance(hours))
        {
            return SandboxProblems.Validation(http, "hours", $"hours must be a whole number from 1 to {MaxAdvanceHours}.");
        }

        await clock.AdvanceAsync(TimeSpan.FromHours(hours), http.RequestAborted);
        return SandboxJson.Ok(ClockDto.From(clock));
    }

    private static async Task<IResult> ResetAsync(HttpContext http, SandboxClock clock)
    {
        await clock.ResetAsync(http.RequestAborted);
        return SandboxJson.Ok(ClockDto.From(clock));
    }
}
