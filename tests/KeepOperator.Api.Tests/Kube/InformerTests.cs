using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Logging;
using Xunit;

namespace KeepOperator.Api.Tests.Kube;

/// <summary>The shared informer against a scripted list/watch source: no client, no server.</summary>
public sealed class InformerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private sealed record Item(string Name, string Version, string Value = "");

    private sealed class GoneException() : Exception("410 Gone");

    /// <summary>
    /// Lists answer from <see cref="Lists"/>; each watch takes the next session from <see cref="Watches"/>: its events,
    /// then how it ends (null: the server closed it; an exception: thrown; "onError": a 410 error event).
    /// With no session left a watch stays open until cancelled.
    /// </summary>
    private sealed class ScriptedSource : IListWatchSource<Item>
    {
        public Queue<(IReadOnlyList<Item> Items, string Version)> Lists { get; } = new();

        public Channel<(IReadOnlyList<(WatchEventKind, Item)> Events, object? End)> Watches { get; } = Channel.CreateUnbounded<(IReadOnlyList<(WatchEventKind, Item)>, object?)>();

        public List<string> WatchedFrom { get; } = [];

        public int ListCalls { get; private set; }

        public string Kind => "items";

        public Task<(IReadOnlyList<Item> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
        {
            ListCalls++;
            return Lists.TryDequeue(out var list) ? Task.FromResult(list) : throw new HttpRequestException("no list scripted");
        }

        public async IAsyncEnumerable<(WatchEventKind Type, Item Object)> WatchAsync(
            string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            lock (WatchedFrom)
            {
                WatchedFrom.Add(resourceVersion);
            }

            var (events, end) = await Watches.Reader.ReadAsync(cancellationToken);
            foreach (var e in events)
            {
                yield return e;
            }

            switch (end)
            {
                case Exception ex:
                    throw ex;
                case "onError":
                    onError(new GoneException());
                    break;
            }
        }

        public string KeyOf(Item obj) => obj.Name;

        public string? ResourceVersionOf(Item obj) => obj.Version;

        public bool IsExpired(Exception error) => error is GoneException;
    }

    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task task;

        public Running(ScriptedSource source)
        {
            Informer = new Informer<Item>(source, new StructuredLog(Log, TimeProvider.System), TimeProvider.System, TimeSpan.FromMinutes(5))
            {
                FirstRetryDelay = TimeSpan.FromMilliseconds(20),
                MaxRetryDelay = TimeSpan.FromMilliseconds(80),
            };
            Informer.Changed += (old, updated) => Changes.Writer.TryWrite((old, updated));
            task = Informer.RunAsync(stop.Token);
        }

        public Informer<Item> Informer { get; }

        public StringWriter Log { get; } = new();

        public Channel<(Item? Old, Item? New)> Changes { get; } = Channel.CreateUnbounded<(Item?, Item?)>();

        public async Task<(Item? Old, Item? New)> NextChangeAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await Changes.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await task;
            stop.Dispose();
        }
    }

    [Fact]
    public async Task List_ThenWatchFromItsVersion_AppliesAddModifyDelete_IgnoringBookmarks()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([new Item("a", "1")], "5"));
        await using var run = new Running(source);
        await run.Informer.Synced.WaitAsync(Patience);
        Assert.Equal((null, new Item("a", "1")), await run.NextChangeAsync());

        source.Watches.Writer.TryWrite(([
            (WatchEventKind.Added, new Item("b", "6")),
            (WatchEventKind.Bookmark, new Item("", "7")),
            (WatchEventKind.Modified, new Item("a", "8", "changed")),
            (WatchEventKind.Deleted, new Item("b", "9")),
        ], null));

        Assert.Equal((null, new Item("b", "6")), await run.NextChangeAsync());
        Assert.Equal((new Item("a", "1"), new Item("a", "8", "changed")), await run.NextChangeAsync());
        Assert.Equal((new Item("b", "6"), null), await run.NextChangeAsync());
        Assert.Equal([new Item("a", "8", "changed")], run.Informer.Items);

        // The server closed the watch: the next one resumes from the last version seen, without a relist.
        await WaitUntilAsync(() => source.WatchedFrom.Count == 2);
        Assert.Equal(["5", "9"], source.WatchedFrom);
        Assert.Equal(1, run.Informer.Lists);
    }

    [Theory]
    [InlineData("onError")]
    [InlineData("throw")]
    public async Task ExpiredVersion_Relists_AndReplacesTheCache_SoMissedDeletionsAreSeen(string how)
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([new Item("a", "1"), new Item("b", "2")], "2"));
        source.Lists.Enqueue(([new Item("a", "1"), new Item("c", "12")], "12"));
        await using var run = new Running(source);
        await run.Informer.Synced.WaitAsync(Patience);
        await run.NextChangeAsync();
        await run.NextChangeAsync();

        source.Watches.Writer.TryWrite(([], how == "throw" ? new GoneException() : "onError"));

        Assert.Equal((null, new Item("c", "12")), await run.NextChangeAsync());
        Assert.Equal((new Item("b", "2"), null), await run.NextChangeAsync());
        Assert.Equal(2, run.Informer.Lists);
        Assert.Contains("event=relist", run.Log.ToString(), StringComparison.Ordinal);
        await WaitUntilAsync(() => source.WatchedFrom.Count == 2);
        Assert.Equal(["2", "12"], source.WatchedFrom);
    }

    [Fact]
    public async Task FailedCalls_AreRetried_AndTheCacheKeepsItsContentMeanwhile()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([new Item("a", "1")], "1"));
        await using var run = new Running(source);
        await run.Informer.Synced.WaitAsync(Patience);
        await run.NextChangeAsync();

        source.Watches.Writer.TryWrite(([], new HttpRequestException("connection refused")));
        source.Watches.Writer.TryWrite(([], new IOException("reset")));
        source.Watches.Writer.TryWrite(([(WatchEventKind.Modified, new Item("a", "3", "after"))], null));

        Assert.Equal((new Item("a", "1"), new Item("a", "3", "after")), await run.NextChangeAsync());
        Assert.Equal(["1", "1", "1"], source.WatchedFrom.Take(3));
        Assert.Equal(1, run.Informer.Lists);
        Assert.Equal(2, run.Log.ToString().Split('\n').Count(l => l.Contains("event=watch_failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AFailingFirstList_IsRetried_AndNothingIsSyncedBeforeIt()
    {
        var source = new ScriptedSource();
        await using var run = new Running(source);
        await WaitUntilAsync(() => source.ListCalls >= 2);
        Assert.False(run.Informer.Synced.IsCompleted);

        source.Lists.Enqueue(([new Item("a", "4")], "4"));
        await run.Informer.Synced.WaitAsync(Patience);
        Assert.Equal((null, new Item("a", "4")), await run.NextChangeAsync());
    }

    [Fact]
    public async Task RememberedWrite_IsNotOverwrittenByAnOlderEvent()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([new Item("a", "1")], "1"));
        await using var run = new Running(source);
        await run.Informer.Synced.WaitAsync(Patience);
        await run.NextChangeAsync();

        run.Informer.Remember(new Item("a", "10", "ours"));
        await run.NextChangeAsync();
        source.Watches.Writer.TryWrite(([(WatchEventKind.Modified, new Item("a", "9", "stale")), (WatchEventKind.Added, new Item("z", "11"))], null));

        Assert.Equal((null, new Item("z", "11")), await run.NextChangeAsync());
        Assert.Equal(new Item("a", "10", "ours"), run.Informer.Get("a"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
