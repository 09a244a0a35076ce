using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Rrr.Persistence.Mongo;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>Start-up's replica-set check on sample <c>hello</c> replies, without a server.</summary>
public sealed class MongoReplicaSetCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument Standalone => BsonDocument.Parse("""{ "isWritablePrimary": true, "maxWireVersion": 21, "ok": 1.0 }""");

    [Fact]
    public void AStandaloneServer_IsRefused_NamingTheSettingAndWhy()
    {
        var problem = MongoReplicaSetCheck.Check(Standalone);

        Assert.NotNull(problem);
        Assert.StartsWith("Store:MongoConnectionString must point at a replica set", problem, StringComparison.Ordinal);
        Assert.Contains("because approvals use multi-document transactions", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AReplicaSetMember_IsAccepted() =>
        Assert.Null(MongoReplicaSetCheck.Check(BsonDocument.Parse(
            """{ "isWritablePrimary": true, "setName": "rs0", "hosts": ["db1:27017"], "primary": "db1:27017", "ok": 1.0 }""")));

    [Fact]
    public void AShardedClusterRouter_IsAccepted() =>
        Assert.Null(MongoReplicaSetCheck.Check(BsonDocument.Parse("""{ "isWritablePrimary": true, "msg": "isdbgrid", "ok": 1.0 }""")));

    [Fact]
    public async Task Initialize_OnAStandalone_FailsAsASettingProblem_BeforeAnyIndex()
    {
        var database = InertProxy.Of<IMongoDatabase>((method, _) => method.Name == nameof(IMongoDatabase.RunCommandAsync)
            ? Task.FromResult(Standalone)
            : throw new NotSupportedException(method.Name));
        var context = new MongoDatabaseContext(InertProxy.Of<IMongoClient>((_, _) => database), "portal");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => context.InitializeAsync(Ct));

        var printed = StartupProblems.Format("Production", StartupProblems.SettingsFailures(error));
        Assert.Contains("Store:MongoConnectionString → must point at a replica set", printed, StringComparison.Ordinal);
    }
}
