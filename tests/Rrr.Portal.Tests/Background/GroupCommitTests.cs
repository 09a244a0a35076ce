using Rrr.Core.Background;

namespace Rrr.Portal.Tests.Background;

/// <summary>The one group-commit loop behind the webhook inbox and the earn outbox.</summary>
public sealed class GroupCommitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallersQueuedWhileAWriteRuns_ShareTheNextWrite_AndEachGetsItsOwnResult()
    {
        var firstWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = new List<int>();
        var woken = 0;
        await using var commit = new GroupCommit<int, string>(
            async (items, _) =>
            {
                lock (writes)
                {
                    writes.Add(items.Count);
                }

                if (writes.Count == 1)
                {
                    await firstWrite.Task;
                }

                return items.Select(i => $"r{i}").ToList();
            },
            maxBatch: 10,
            afterBatch: () => Interlocked.Increment(ref woken));

        var lone = commit.AddAsync(0, Ct);
        while (commit.BatchesWritten == 0 && writes.Count == 0)
        {
            await Task.Yield();
        }

        var queued = Enumerable.Range(1, 5).Select(i => commit.AddAsync(i, Ct)).ToList();
        firstWrite.SetResult();

        Assert.Equal("r0", await lone);
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], await Task.WhenAll(queued));
        Assert.Equal([1, 5], writes);
        Assert.Equal(2, commit.BatchesWritten);
        Assert.Equal(6, commit.ItemsWritten);
        Assert.Equal(2, woken);
    }

    [Fact]
    public async Task AFailedWrite_FailsItsCallers_AndTheLoopGoesOn()
    {
        var fail = true;
        await using var commit = new GroupCommit<int, int>(
            (items, _) => fail
                ? throw new InvalidOperationException("store down")
                : Task.FromResult<IReadOnlyList<int>>([.. items.Select(i => i * 2)]),
            maxBatch: 4);

        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.AddAsync(1, Ct));
        fail = false;

        Assert.Equal(4, await commit.AddAsync(2, Ct));
    }

    [Fact]
    public async Task AfterDispose_NothingMoreIsTaken()
    {
        var commit = new GroupCommit<int, int>((items, _) => Task.FromResult<IReadOnlyList<int>>([.. items]), maxBatch: 4);
        Assert.Equal(7, await commit.AddAsync(7, Ct));

        await commit.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = commit.AddAsync(8, Ct); });
    }
}
