using Rrr.Portal.Tests.Persistence.Adapters;

namespace Rrr.Portal.Tests.Persistence;

// Each port's contract against each adapter: the same assertions, one line per pair. The Mongo lines
// report as skipped, with the reason, unless RRR_TEST_MONGO names a server.
public sealed class StoreOnSqlite : StoreContract<SqliteAdapter>;

public sealed class StoreOnMongo : StoreContract<MongoAdapter>;

public sealed class ApprovalStoreOnSqlite : ApprovalStoreContract<SqliteAdapter>;

public sealed class ApprovalStoreOnMongo : ApprovalStoreContract<MongoAdapter>;

public sealed class AwardHistoryOnSqlite : AwardHistoryContract<SqliteAdapter>;

public sealed class AwardHistoryOnMongo : AwardHistoryContract<MongoAdapter>;

public sealed class CheckoutOrdersOnSqlite : CheckoutOrdersContract<SqliteAdapter>;

public sealed class CheckoutOrdersOnMongo : CheckoutOrdersContract<MongoAdapter>;

public sealed class EarnOutboxOnSqlite : EarnOutboxContract<SqliteAdapter>;

public sealed class EarnOutboxOnMongo : EarnOutboxContract<MongoAdapter>;

public sealed class MemberSnapshotsOnSqlite : MemberSnapshotsContract<SqliteAdapter>;

public sealed class MemberSnapshotsOnMongo : MemberSnapshotsContract<MongoAdapter>;

public sealed class NotificationsOnSqlite : NotificationStoreContract<SqliteAdapter>;

public sealed class NotificationsOnMongo : NotificationStoreContract<MongoAdapter>;

public sealed class OpenLinkIntentsOnSqlite : OpenLinkIntentsContract<SqliteAdapter>;

public sealed class OpenLinkIntentsOnMongo : OpenLinkIntentsContract<MongoAdapter>;

public sealed class WebhookInboxOnSqlite : WebhookInboxContract<SqliteAdapter>;

public sealed class WebhookInboxOnMongo : WebhookInboxContract<MongoAdapter>;

public sealed class RrrCallLogOnSqlite : RrrCallLogContract<SqliteAdapter>;

public sealed class RrrCallLogOnMongo : RrrCallLogContract<MongoAdapter>;
