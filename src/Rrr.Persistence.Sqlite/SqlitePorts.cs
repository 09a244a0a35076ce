namespace Rrr.Persistence.Sqlite;

/// <summary>
/// Every port class of the SQLite adapter over one <see cref="SqliteDatabase"/>, for the places that build the
/// adapter without the host's container (tests, benches). Disposing it disposes the database.
/// </summary>
public sealed class SqlitePorts : IDisposable
{
    private SqlitePorts(SqliteDatabase database)
    {
        Database = database;
        Keys = new SqliteKeyRing(database);
        Audit = new SqliteAuditStore(database);
        Calls = new SqliteRrrCallLog(database);
        Inbox = new SqliteWebhookInbox(database);
        Versions = new SqliteResourceVersions(database);
        Wallets = new SqliteWalletSnapshots(database);
        Links = new SqliteLinkSnapshots(database);
        Outbox = new SqliteEarnOutbox(database);
        Awards = new SqliteAwardHistory(database);
        Approvals = new SqliteApprovalStore(database);
        Orders = new SqliteCheckoutOrders(database);
        Intents = new SqliteOpenLinkIntents(database);
        Notifications = new SqliteNotifications(database);
    }

    /// <summary>Also the adapter's <see cref="Rrr.Core.Persistence.IStoreLifecycle"/>.</summary>
    public SqliteDatabase Database { get; }

    public SqliteKeyRing Keys { get; }

    public SqliteAuditStore Audit { get; }

    public SqliteRrrCallLog Calls { get; }

    public SqliteWebhookInbox Inbox { get; }

    public SqliteResourceVersions Versions { get; }

    public SqliteWalletSnapshots Wallets { get; }

    public SqliteLinkSnapshots Links { get; }

    public SqliteEarnOutbox Outbox { get; }

    public SqliteAwardHistory Awards { get; }

    public SqliteApprovalStore Approvals { get; }

    public SqliteCheckoutOrders Orders { get; }

    public SqliteOpenLinkIntents Intents { get; }

    public SqliteNotifications Notifications { get; }

    public string DatabasePath => Database.DatabasePath;

    /// <summary>The ports over a new database object for the file <paramref name="fileName"/> in <paramref name="dataFolder"/>.</summary>
    public static SqlitePorts Open(string dataFolder, string fileName) => new(new SqliteDatabase(dataFolder, fileName));

    public Task InitializeAsync(CancellationToken cancellationToken) => Database.InitializeAsync(cancellationToken);

    public void Dispose() => Database.Dispose();
}
