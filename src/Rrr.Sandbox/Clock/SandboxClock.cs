namespace Rrr.Sandbox.Clock;

/// <summary>
/// The sandbox's notion of "now": real time plus an offset that the clock page advances, persisted so a
/// restart keeps it. Ledger rules (pending release, quote expiry, promotion end) read this clock;
/// webhook retry timing deliberately uses real time.
/// </summary>
public sealed class SandboxClock(SandboxDatabase database, TimeProvider realTime) : TimeProvider
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS sandbox_clock (
            id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            offset_seconds INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO sandbox_clock (id, offset_seconds) VALUES (1, 0);
        """;

    private long _offsetSeconds;

    /// <summary>Raised after the offset moved forward, so features can run what became due.</summary>
    public event Func<DateTimeOffset, CancellationToken, Task>? Advanced;

    public TimeSpan Offset => TimeSpan.FromSeconds(Interlocked.Read(ref _offsetSeconds));

    public override DateTimeOffset GetUtcNow() => realTime.GetUtcNow() + Offset;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync(Schema, cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT offset_seconds FROM sandbox_clock WHERE id = 1;";
        var stored = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _offsetSeconds, Convert.ToInt64(stored, CultureInfo.InvariantCulture));
    }

    public async Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        if (by <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "The sandbox clock only moves forward.");
        }

        await SaveAsync(Interlocked.Add(ref _offsetSeconds, (long)by.TotalSeconds), cancellationToken).ConfigureAwait(false);
        await RaiseAdvancedAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _offsetSeconds, 0);
        await SaveAsync(0, cancellationToken).ConfigureAwait(false);
    }

    private async Task SaveAsync(long offsetSeconds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE sandbox_clock SET offset_seconds = $offset WHERE id = 1;";
        command.Parameters.AddWithValue("$offset", offsetSeconds);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RaiseAdvancedAsync(CancellationToken cancellationToken)
    {
        if (Advanced is null)
        {
            return;
        }

        var now = GetUtcNow();
        foreach (var handler in Advanced.GetInvocationList().Cast<Func<DateTimeOffset, CancellationToken, Task>>())
        {
            await handler(now, cancellationToken).ConfigureAwait(false);
        }
    }
}
