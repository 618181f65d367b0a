using System.Net;
using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Infrastructure;

public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, string RawBody, HttpResponseMessage Message)
{
    public int Code => (int)Status;

    public JsonObject Json => Body as JsonObject ?? throw new InvalidOperationException($"Body is not a JSON object: {RawBody}");

    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
        : Message.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;

    public override string ToString() => $"{Code} {RawBody}";
}
