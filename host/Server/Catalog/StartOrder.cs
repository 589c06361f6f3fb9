namespace Switchboard.Host.Catalog;

/// <summary>A plugin's place in the catalog's first scan: it may start serving once every plugin before it by name has
/// checked its types against what is loading (or ended its load), so that of two plugins declaring one type the first by
/// name serves it on every start, whichever loads faster.</summary>
/// <remarks>Only the check is waited for, not the whole load: a plugin whose start takes long holds no plugin after it,
/// since by then its types are claimed and any plugin after it declaring one of them has lost it. A constructor that
/// blocks (before the check) holds the plugins after it until its load timeout, at start only.</remarks>
internal sealed class StartOrder
{
    private readonly TaskCompletionSource? _checked;

    private StartOrder(Task earlierChecked, TaskCompletionSource? @checked)
    {
        EarlierChecked = earlierChecked;
        _checked = @checked;
    }

    /// <summary>For a load outside the first scan: it serves as soon as it is ready.</summary>
    public static StartOrder None { get; } = new(Task.CompletedTask, null);

    /// <summary>Completes once every plugin before this one by name has checked its types (or ended its load).</summary>
    public Task EarlierChecked { get; }

    /// <summary>The places of <paramref name="count"/> plugins taken in name order.</summary>
    public static IReadOnlyList<StartOrder> InNameOrder(int count)
    {
        var places = new List<StartOrder>(count);
        var earlier = Task.CompletedTask;
        for (var i = 0; i < count; i++)
        {
            var place = new StartOrder(earlier, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            places.Add(place);
            earlier = Task.WhenAll(earlier, place._checked!.Task);
        }
        return places;
    }

    /// <summary>Says this plugin's types are checked and claimed, or its load ended; idempotent.</summary>
    public void Checked() => _checked?.TrySetResult();
}
