using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rrr.Core.Features.Approvals;
using Rrr.Persistence.Sqlite;

namespace Rrr.Portal.Tests.Features.Approvals;

/// <summary>A real SQLite store in a temp folder, a fake clock, and an engine over them.</summary>
public abstract class ApprovalTestBase : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly ApprovalPolicy Two = new(2, false);

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-approval-tests", Guid.NewGuid().ToString("N"));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Time { get; } = new(T0);

    private SqlitePorts sqlite = null!;

    protected SqliteApprovalStore Store => sqlite.Approvals;

    /// <summary>Every port of the same store (e.g. the notifications that follow approval work).</summary>
    protected SqlitePorts Ports => sqlite;

    /// <summary>The chain key of this test's engine, as configuration would hold it.</summary>
    protected ApprovalChainKeys Keys { get; } = Support.TestChainKeys.Create();

    protected string DatabasePath => sqlite.DatabasePath;

    public async ValueTask InitializeAsync()
    {
        sqlite = SqlitePorts.Open(root, "portal.db");
        await sqlite.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected ApprovalEngine Engine(IApprovalStore? store = null, int retries = 8) => new(
        store ?? Store,
        Time,
        Options.Create(new ApprovalOptions { RequestLifetime = TimeSpan.FromDays(3), ConflictRetries = retries }),
        NullLogger<ApprovalEngine>.Instance,
        Keys,
        Bus);

    /// <summary>The bus the engine announces its changes on.</summary>
    protected global::Rrr.Core.Features.PortalEvents Bus { get; } = new(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance);

    protected static Task<ApprovalView> NewRequestAsync(ApprovalEngine engine, ApprovalPolicy? policy = null, string maker = "ada") =>
        engine.CreateAsync("adjustment", "xcn_u_1001", """{"points":300}""", policy ?? Two, maker, Ct);
}
