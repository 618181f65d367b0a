using Coffer.Server.Data;

namespace Coffer.Tests.Data;

public class IdsTests
{
    [Fact]
    public void Ids_are_version_7_uuids_that_strictly_increase()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Ids.New()).ToList();
        Assert.All(ids, id =>
        {
            Assert.True(Guid.TryParse(id, out var g));
            Assert.Equal(7, g.Version);
            Assert.Equal('7', id[14]);
        });
        for (var i = 1; i < ids.Count; i++)
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
    }

    [Fact]
    public void Ids_made_on_many_threads_are_unique_and_their_random_halves_differ()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 5_000; i++) ids.Add(Ids.New());
        });
        Assert.Equal(40_000, ids.Distinct().Count());
        // The last 12 hex digits are random only (the variant bits sit before them): a repeat would mean reused randomness.
        Assert.Equal(40_000, ids.Select(id => id[^12..]).Distinct().Count());
        Assert.All(ids, id => Assert.Contains(id[19], "89ab"));
    }
}
