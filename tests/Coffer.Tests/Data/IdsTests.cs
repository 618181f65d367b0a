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
}
