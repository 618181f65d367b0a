using System.Text;
using Coffer.Server.Http;

namespace Coffer.Tests.Http;

public class ApiJsonTimeTests
{
    [Fact]
    public void WritesTheSameTextAsTheCustomFormat()
    {
        var random = new Random(20261128);
        var instants = new List<DateTime>
        {
            DateTime.UnixEpoch, new(1, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
            new DateTime(2026, 11, 28, 7, 31, 29, 165, DateTimeKind.Utc).AddTicks(9999),
            new(2026, 3, 29, 1, 30, 0, DateTimeKind.Local),
        };
        for (var i = 0; i < 50_000; i++) instants.Add(new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), DateTimeKind.Utc));
        Span<byte> buffer = stackalloc byte[24];

        foreach (var instant in instants)
            Assert.Equal(ApiJson.FormatTime(instant), Encoding.UTF8.GetString(ApiJson.FormatUtf8(instant, buffer)));
    }
}
