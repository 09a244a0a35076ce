using System.Diagnostics.CodeAnalysis;
using MongoDB.Driver;
using Rrr.Core.Features.Approvals;
using Rrr.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// The Mongo approval decision's transaction seam, without a server: the request write and the chain record
/// run inside one <c>InTransactionAsync</c> call on one session, and a failure in the second write leaves
/// nothing committed. (The same against a real replica set: MongoAdapterTests, with RRR_TEST_MONGO.)
/// </summary>
public sealed class MongoApprovalTransactionTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ApprovalChainKeys chain = Support.TestChainKeys.Create();
    private readonly FakeDatabase database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Update_WritesTheRequestAndItsRecord_InOneTransaction_OnOneSession()
    {
        database.Seed(Request(revision: 1));

        var stored = await Store().UpdateAsync(Request(revision: 2) with { Status = ApprovalStatus.Approved }, 1, Draft("grace"), chain, Ct);

        Assert.True(stored);
        Assert.Equal(1, database.Transactions);
        Assert.Equal(["update-request", "last-record", "append-record"], database.Calls.Select(c => c.Operation));
        Assert.Single(database.Calls.Select(c => c.Session).Distinct());
        Assert.Equal((2L, ApprovalStatus.Approved), (database.Committed["apr_1"].Revision, database.Committed["apr_1"].Status));
        var record = Assert.Single(database.CommittedLog);
        Assert.Equal(("grace", 1L, ApprovalChain.Genesis), (record.ActorId, record.Sequence, record.PreviousHash));
    }

    [Fact]
    public async Task Create_InsertsTheRequestAndItsFirstRecord_InOneTransaction_OnOneSession()
    {
        await Store().CreateAsync(Request(revision: 1), Draft("ada"), chain, Ct);

        Assert.Equal(1, database.Transactions);
        Assert.Equal(["insert-request", "last-record", "append-record"], database.Calls.Select(c => c.Operation));
        Assert.Single(database.Calls.Select(c => c.Session).Distinct());
        Assert.True(database.Committed.ContainsKey("apr_1"));
        Assert.Single(database.CommittedLog);
    }

    [Fact]
    public async Task AFailureInTheRecordWrite_LeavesNothingCommitted()
    {
        database.Seed(Request(revision: 1));
        database.FailAppend = true;

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store().UpdateAsync(Request(revision: 2) with { Status = ApprovalStatus.Approved }, 1, Draft("grace"), chain, Ct));

        Assert.Equal((1, 1), (database.Transactions, database.Aborts));
        Assert.Equal((1L, ApprovalStatus.Pending), (database.Committed["apr_1"].Revision, database.Committed["apr_1"].Status));
        Assert.Empty(database.CommittedLog);
    }

    [Fact]
    public async Task Update_AtAStaleRevision_AppendsNoRecord()
    {
        database.Seed(Request(revision: 2));

        var stored = await Store().UpdateAsync(Request(revision: 2), 1, Draft("hugo"), chain, Ct);

        Assert.False(stored);
        Assert.Equal(["update-request"], database.Calls.Select(c => c.Operation));
        Assert.Empty(database.CommittedLog);
    }

    [SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "The port's methods are explicit implementations: the test calls them through the port, as the app does.")]
    private IApprovalStore Store() =>
        new MongoApprovalStore(new MongoDatabaseContext(InertProxy.Of<IMongoClient>((_, _) => InertProxy.Of<IMongoDatabase>()), "unused"), database, database);

    private static ApprovalRequest Request(long revision) =>
        new("apr_1", "adjustment", "xcn_u_1001", """{"points":50}""", 1, new ApprovalPolicy(2, true), "ada", ApprovalStatus.Pending, T0, T0.AddDays(3), revision);

    private static ApprovalRecordDraft Draft(string actor) => new("apr_1", ApprovalAction.Approved, actor, ApprovalRoles.XcnAdmin, 1, null, T0);

    /// <summary>Commits a transaction's staged writes when its work returns, drops them when it throws.</summary>
    private sealed class FakeDatabase : IMongoTransactions, IApprovalWrites
    {
        private readonly Dictionary<string, ApprovalRequest> staged = new(StringComparer.Ordinal);
        private readonly List<ApprovalRecord> stagedLog = [];
        private IClientSessionHandle? current;

        public Dictionary<string, ApprovalRequest> Committed { get; } = new(StringComparer.Ordinal);

        public List<ApprovalRecord> CommittedLog { get; } = [];

        public List<(string Operation, IClientSessionHandle Session)> Calls { get; } = [];

        public int Transactions { get; private set; }

        public int Aborts { get; private set; }

        public bool FailAppend { get; set; }

        public void Seed(ApprovalRequest request) => Committed[request.Id] = request;

        public async Task<T> InTransactionAsync<T>(Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            Transactions++;
            current = InertProxy.Of<IClientSessionHandle>();
            try
            {
                var result = await work(current, cancellationToken);
                foreach (var (id, request) in staged)
                {
                    Committed[id] = request;
                }

                CommittedLog.AddRange(stagedLog);
                return result;
            }
            catch
            {
                Aborts++;
                throw;
            }
            finally
            {
                staged.Clear();
                stagedLog.Clear();
                current = null;
            }
        }

        public Task InsertRequestAsync(IClientSessionHandle session, ApprovalRequest request, CancellationToken cancellationToken)
        {
            Record("insert-request", session);
            staged[request.Id] = request;
            return Task.CompletedTask;
        }

        public Task<bool> UpdateRequestAsync(IClientSessionHandle session, ApprovalRequest updated, long expectedRevision, CancellationToken cancellationToken)
        {
            Record("update-request", session);
            if (Committed[updated.Id].Revision != expectedRevision)
            {
                return Task.FromResult(false);
            }

            staged[updated.Id] = updated with { Revision = expectedRevision + 1 };
            return Task.FromResult(true);
        }

        public Task<ApprovalRecord?> LastRecordAsync(IClientSessionHandle session, CancellationToken cancellationToken)
        {
            Record("last-record", session);
            return Task.FromResult(CommittedLog.Concat(stagedLog).LastOrDefault());
        }

        public Task AppendRecordAsync(IClientSessionHandle session, ApprovalRecord record, CancellationToken cancellationToken)
        {
            Record("append-record", session);
            if (FailAppend)
            {
                throw new InvalidOperationException("The connection dropped before the record was written.");
            }

            stagedLog.Add(record);
            return Task.CompletedTask;
        }

        /// <summary>Every write must come inside the open transaction, on its session.</summary>
        private void Record(string operation, IClientSessionHandle session)
        {
            Assert.Same(current, session);
            Calls.Add((operation, session));
        }
    }
}
