using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Http;

/// <summary>Writes Infisical's error body <c>{reqId, statusCode, message, error, details?}</c>; the only writer of error bodies.</summary>
public static class ErrorEnvelope
{
    // Decision 3: details travel only on 400 and 403, as the seed's response schemas allow.
    private static bool AllowsDetails(int status) => status is 400 or 403;

    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers["X-Request-Id"] = RequestId.Of(context);
        if (error is RateLimitedException limited) response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var writer = new Utf8JsonWriter(response.Body, ApiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("reqId", RequestId.Of(context));
        writer.WriteNumber("statusCode", error.StatusCode);
        if (error is ValidationException validation)
        {
            writer.WritePropertyName("message");
            WriteIssues(writer, validation.Issues);
        }
        else
        {
            writer.WriteString("message", error.Message);
        }
        writer.WriteString("error", error.Error);
        if (error.Details is not null && AllowsDetails(error.StatusCode))
        {
            writer.WritePropertyName("details");
            error.Details.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    /// <summary>Infisical's current not-found answer for unknown API routes (and a wrong method on a known path).</summary>
    public static async Task WriteRouteNotFoundAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = 404;
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body, ApiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("reqId", RequestId.Of(context));
        writer.WriteNumber("statusCode", 404);
        writer.WriteString("error", "Not Found");
        writer.WriteString("message",
            $"Route {context.Request.Method}:{context.Request.PathBase}{context.Request.Path} not found. " +
            "Check the API reference at /api/docs/json for the available routes.");
        writer.WriteString("docs", "/api/docs/json");
        writer.WriteEndObject();
    }

    internal static void WriteIssues(Utf8JsonWriter writer, IReadOnlyList<ValidationIssue> issues)
    {
        writer.WriteStartArray();
        foreach (var issue in issues) IssueToJson(issue).WriteTo(writer);
        writer.WriteEndArray();
    }

    /// <summary>zod's member order: code, then the code's own members, then path and message.</summary>
    public static JsonObject IssueToJson(ValidationIssue issue)
    {
        var obj = new JsonObject { ["code"] = issue.Code };
        if (issue.Expected is not null) obj["expected"] = issue.Expected;
        if (issue.Received is not null) obj["received"] = issue.Received;
        if (issue.Extra is not null)
            foreach (var (key, value) in issue.Extra) obj[key] = value?.DeepClone();
        var path = new JsonArray();
        foreach (var segment in issue.Path)
            path.Add(segment is int i ? JsonValue.Create(i) : JsonValue.Create(segment.ToString()));
        obj["path"] = path;
        obj["message"] = issue.Message;
        return obj;
    }
}
