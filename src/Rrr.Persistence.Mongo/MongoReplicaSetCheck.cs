namespace Rrr.Persistence.Mongo;

/// <summary>
/// Multi-document transactions need a replica set (one node is enough) or a sharded cluster; a standalone
/// server refuses them. Decided on the server's <c>hello</c> reply, so start-up says so instead of the first approval.
/// </summary>
internal static class MongoReplicaSetCheck
{
    public const string Problem =
        "Store:MongoConnectionString must point at a replica set (a single node is enough: mongod --replSet rs0, then rs.initiate()) "
        + "or a sharded cluster (mongos), because approvals use multi-document transactions; the server answered as a standalone.";

    /// <summary>Null when the server runs transactions; otherwise the problem to report.</summary>
    public static string? Check(BsonDocument hello)
    {
        ArgumentNullException.ThrowIfNull(hello);

        // A replica-set member names its set; a mongos router answers msg "isdbgrid".
        var replicaSet = hello.TryGetValue("setName", out var setName) && setName.IsString && setName.AsString.Length > 0;
        var router = hello.TryGetValue("msg", out var msg) && msg.IsString && msg.AsString == "isdbgrid";
        return replicaSet || router ? null : Problem;
    }
}
