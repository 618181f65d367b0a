namespace Coffer.IntegrationTests.Hardening;

/// <summary>What the crash test wrote: secrets (by name), identities, memberships and projects (by name).</summary>
public enum TrackedKind
{
    Secret,
    Identity,
    Membership,
    Project,
}

/// <summary>
/// One object the write loop changes, and the states it may be found in after a crash: the state its last
/// acknowledged write left (a 200 means the write is durable), plus the state of a write that was in flight when the
/// server died (it may or may not have committed). <c>null</c> is "absent".
/// </summary>
public sealed class Tracked(TrackedKind kind, string name)
{
    public TrackedKind Kind { get; } = kind;
    public string Name { get; } = name;

    /// <summary>The identity's id once known (identities).</summary>
    public string? Id { get; set; }

    public HashSet<string?> Allowed { get; } = [null];

    /// <summary>Acknowledged writes to this object since it was last checked against the restarted server.</summary>
    public int AckedSinceCheck { get; set; }

    /// <summary>The one state a write acknowledged with 200 must have left.</summary>
    public void Acknowledge(string? state)
    {
        Allowed.Clear();
        Allowed.Add(state);
        AckedSinceCheck++;
    }

    /// <summary>A write whose answer never came: its state becomes possible, the previous one stays possible.</summary>
    public void InDoubt(string? state) => Allowed.Add(state);

    /// <summary>Only defined states may be written on: nothing is in flight and the state is known.</summary>
    public string? Known => Allowed.Count == 1 ? Allowed.First() : throw new InvalidOperationException($"{Name} is in doubt");

    public bool IsKnown => Allowed.Count == 1;
}

/// <summary>Every tracked object, and the batches whose secrets must appear together or not at all.</summary>
public sealed class WriteLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TrackedKind, string), Tracked> _objects = [];
    private readonly List<string[]> _batches = [];

    /// <summary>Changes answered with 200, one per object (a batch of three secrets is three).</summary>
    public int Acknowledged { get; private set; }

    /// <summary>Requests the kill cut off.</summary>
    public int InDoubtWrites { get; private set; }

    /// <summary>Acknowledged changes found durable after a restart.</summary>
    public int Verified { get; private set; }

    public Tracked Add(TrackedKind kind, string name)
    {
        var tracked = new Tracked(kind, name);
        lock (_gate) _objects.Add((kind, name), tracked);
        return tracked;
    }

    public IReadOnlyList<Tracked> All(TrackedKind kind)
    {
        lock (_gate) return _objects.Values.Where(t => t.Kind == kind).ToList();
    }

    public void Ack(IEnumerable<(Tracked Object, string? State)> changes)
    {
        lock (_gate)
        {
            foreach (var (tracked, state) in changes)
            {
                tracked.Acknowledge(state);
                Acknowledged++;
            }
        }
    }

    public void InDoubt(IEnumerable<(Tracked Object, string? State)> changes)
    {
        lock (_gate)
        {
            var list = changes.ToList();
            foreach (var (tracked, state) in list) tracked.InDoubt(state);
            if (list.Count > 1) _batches.Add(list.Select(c => c.Object.Name).ToArray());
            InDoubtWrites++;
        }
    }

    /// <summary>
    /// Compares what the restarted server shows with what may be there; an object's state is then known again.
    /// <paramref name="actual"/> maps each name of <paramref name="kind"/> the server shows to its state.
    /// </summary>
    public List<string> Reconcile(TrackedKind kind, IReadOnlyDictionary<string, string> actual, Func<string, bool> isOurs)
    {
        var problems = new List<string>();
        lock (_gate)
        {
            foreach (var tracked in _objects.Values.Where(t => t.Kind == kind))
            {
                var state = actual.GetValueOrDefault(tracked.Name);
                if (!tracked.Allowed.Contains(state))
                {
                    problems.Add($"{kind} {tracked.Name}: found {Show(state)}, expected {string.Join(" or ", tracked.Allowed.Select(Show))}" +
                        (tracked.AckedSinceCheck > 0 ? $" ({tracked.AckedSinceCheck} acknowledged write(s) since the last check)" : ""));
                    continue;
                }
                Verified += tracked.AckedSinceCheck;
                tracked.AckedSinceCheck = 0;
                tracked.Allowed.Clear();
                tracked.Allowed.Add(state);
            }
            foreach (var name in actual.Keys.Where(isOurs).Where(n => !_objects.ContainsKey((kind, n))))
                problems.Add($"{kind} {name}: found, but the loop never wrote it");
        }
        return problems;
    }

    /// <summary>Secrets of one batch write that was in doubt: all of them or none.</summary>
    public List<string> CheckBatches(IReadOnlyDictionary<string, string> secrets)
    {
        lock (_gate)
        {
            var problems = _batches
                .Where(names => names.Count(secrets.ContainsKey) is var n && n != 0 && n != names.Length)
                .Select(names => $"batch [{string.Join(", ", names)}] half committed: {string.Join(", ", names.Where(secrets.ContainsKey))} present")
                .ToList();
            _batches.Clear();
            return problems;
        }
    }

    private static string Show(string? state) => state is null ? "absent" : $"'{state}'";
}
