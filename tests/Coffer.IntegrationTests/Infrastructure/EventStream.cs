using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>One server-sent event as a client parses it.</summary>
public sealed record SseEvent(string? Id, string? Event, string? Data)
{
    public JsonNode? Json => Data is null ? null : JsonNode.Parse(Data);
}

/// <summary>
/// A subscriber of <c>/api/v1/events/subscribe/project-events</c>, reading the stream as the Kubernetes operator does
/// (lines, blank line ends an event). Waits are bounded generously and never measured: order, not speed, is asserted.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly Task _reader;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        // The reader is made here, before anyone can dispose the response under it.
        var reader = new StreamReader(body);
        _reader = Task.Run(() => ReadAsync(reader));
    }

    /// <summary>Subscribes; a refusal comes back as the error response instead of a stream.</summary>
    public static async Task<(EventStream? Stream, ApiResponse? Refusal)> OpenAsync(HttpClient http, string token, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/subscribe/project-events")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.IsSuccessStatusCode) return (new EventStream(response, await response.Content.ReadAsStreamAsync()), null);
        var raw = await response.Content.ReadAsStringAsync();
        return (null, new ApiResponse(response.StatusCode, raw.Length > 0 ? JsonNode.Parse(raw) : null, raw, response));
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>The next event that is not a ping, or null if the stream ended first.</summary>
    public async Task<SseEvent?> NextAsync(bool skipPings = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (await _events.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_events.Reader.TryRead(out var e))
                {
                    if (skipPings && e.Event == "ping") continue;
                    return e;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    private async Task ReadAsync(StreamReader reader)
    {
        try
        {
            string? id = null, name = null;
            StringBuilder? data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null || data is not null) await _events.Writer.WriteAsync(new SseEvent(id, name, data?.ToString()));
                    (id, name, data) = (null, null, null);
                    continue;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0) continue;
                var value = line[(colon + 1)..].TrimStart(' ');
                switch (line[..colon])
                {
                    case "id": id = value; break;
                    case "event": name = value; break;
                    case "data": (data ??= new StringBuilder()).Append(value); break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        finally
        {
            reader.Dispose();
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reader;
        _stop.Dispose();
    }
}
