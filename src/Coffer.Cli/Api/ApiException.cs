using System.Text.Json;

namespace Coffer.Cli.Api;

/// <summary>The server answered with an error status. Carries what a person needs to act on it.</summary>
internal sealed class ApiException(
    int statusCode,
    string serverMessage,
    string? requestId,
    string? errorName,
    string method,
    string url,
    IReadOnlyList<string> issues) : Exception(serverMessage)
{
    public int StatusCode { get; } = statusCode;
    public string? RequestId { get; } = requestId;
    public string? ErrorName { get; } = errorName;
    public string Method { get; } = method;
    public string Url { get; } = url;

    /// <summary>Validation issues (422) as "path: message" lines.</summary>
    public IReadOnlyList<string> Issues { get; } = issues;

    /// <summary>
    /// Reads Infisical's error envelope <c>{reqId, statusCode, message, error, details?}</c>. A 422
    /// carries zod issues in <c>message</c> as an array. Anything else (an HTML page from a proxy,
    /// an empty body) still yields a useful exception with the status code.
    /// </summary>
    public static ApiException FromResponse(int statusCode, string? reasonPhrase, string body, string? headerRequestId, string method, string url)
    {
        string? message = null;
        string? requestId = headerRequestId;
        string? errorName = null;
        var issues = new List<string>();

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("reqId", out var reqId) && reqId.ValueKind == JsonValueKind.String)
                {
                    requestId = reqId.GetString();
                }

                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    errorName = error.GetString();
                }

                if (root.TryGetProperty("message", out var msg))
                {
                    if (msg.ValueKind == JsonValueKind.String)
                    {
                        message = msg.GetString();
                    }
                    else if (msg.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var issue in msg.EnumerateArray())
                        {
                            issues.Add(DescribeIssue(issue));
                        }

                        message = "The server rejected the request as invalid";
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the status line.
        }

        message ??= $"The server answered {statusCode} {reasonPhrase}".TrimEnd();
        return new ApiException(statusCode, message, requestId, errorName, method, url, issues);
    }

    static string DescribeIssue(JsonElement issue)
    {
        if (issue.ValueKind != JsonValueKind.Object)
        {
            return issue.ToString();
        }

        var text = issue.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : issue.GetRawText();
        if (issue.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.Array && path.GetArrayLength() > 0)
        {
            var joined = string.Join('.', path.EnumerateArray().Select(p => p.ToString()));
            return $"{joined}: {text}";
        }

        return text ?? "";
    }
}

/// <summary>No answer at all after every retry: connection refused, DNS failure or timeouts.</summary>
internal sealed class ServerUnreachableException(string url, int attempts, string reason, Exception? inner)
    : Exception($"Could not reach {url} after {attempts} attempts: {reason}", inner)
{
    public string Url { get; } = url;
    public int Attempts { get; } = attempts;
    public string Reason { get; } = reason;
}

/// <summary>A problem the user can fix (missing flag, bad file, expired login); printed as-is.</summary>
internal sealed class CliUserException(string message, string? hint = null, int exitCode = 1) : Exception(message)
{
    public string? Hint { get; } = hint;
    public int ExitCode { get; } = exitCode;
}
