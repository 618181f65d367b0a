using System.Buffers;
using System.Text.Json;
using Coffer.Server.Http;

namespace Coffer.Tests.Http;

/// <summary>A body grown from the pool, at every size, holds exactly the bytes one plain writer would have written.</summary>
public class PooledJsonBodyTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(600, 100)]
    [InlineData(700, 100)]
    [InlineData(40_000, 80)]
    [InlineData(3, 200_000)]
    [InlineData(20, 70_000)]
    public void Bodies_of_every_size_hold_the_bytes_of_one_writer(int items, int valueLength)
    {
        void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteStartArray("secrets");
            for (var i = 0; i < items; i++)
            {
                w.WriteStartObject();
                w.WriteString("secretKey", $"KEY_{i}");
                w.WriteString("secretValue", new string((char)('a' + i % 26), valueLength) + "\"\n");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        var expected = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(expected, ApiJson.WriterOptions)) Write(writer);
        using var body = PooledJsonBody.Write(Write);

        Assert.Equal(expected.WrittenCount, body.Length);
        Assert.Equal(expected.WrittenSpan.ToArray(), body.Span.ToArray());
    }

    [Fact]
    public void A_disposed_body_refuses_to_be_read()
    {
        var body = PooledJsonBody.Write(w => w.WriteStringValue(new string('x', 200_000)));
        body.Dispose();
        body.Dispose();
        Assert.Throws<ObjectDisposedException>(() => body.Span.Length);
    }
}
