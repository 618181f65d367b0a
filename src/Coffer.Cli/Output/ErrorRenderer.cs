using Coffer.Cli.Api;

namespace Coffer.Cli.Output;

/// <summary>
/// Turns any failure into a few lines a person can act on: what went wrong, the server's message
/// and request id (to quote to an operator), and a hint. Never a stack trace.
/// </summary>
internal static class ErrorRenderer
{
    public static int Render(Exception exception, TextWriter error)
    {
        switch (exception)
        {
            case ApiException api:
                error.WriteLine($"error: {api.Message}");
                foreach (var issue in api.Issues)
                {
                    error.WriteLine($"  - {issue}");
                }

                var name = string.IsNullOrEmpty(api.ErrorName) ? "" : $" {api.ErrorName}";
                error.WriteLine($"  status: {api.StatusCode}{name} ({api.Method} {api.Url})");
                if (!string.IsNullOrEmpty(api.RequestId))
                {
                    error.WriteLine($"  request id: {api.RequestId}");
                }

                if (Hint(api) is { } hint)
                {
                    error.WriteLine($"  hint: {hint}");
                }

                return 1;

            case ServerUnreachableException down:
                error.WriteLine($"error: could not reach the server at {down.Url} ({down.Reason}); gave up after {down.Attempts} attempts.");
                error.WriteLine("  hint: check that the server is running and that --domain, INFISICAL_DOMAIN or INFISICAL_API_URL points at it.");
                return 1;

            case CliUserException user:
                error.WriteLine($"error: {user.Message}");
                if (!string.IsNullOrEmpty(user.Hint))
                {
                    error.WriteLine($"  hint: {user.Hint}");
                }

                return user.ExitCode;

            case OperationCanceledException:
                error.WriteLine("error: cancelled.");
                return 130;

            case UnauthorizedAccessException or IOException:
                error.WriteLine($"error: {exception.Message}");
                return 1;

            default:
                // Unexpected: still one line, with the exception type to make a bug report useful.
                error.WriteLine($"error: unexpected failure ({exception.GetType().Name}): {exception.Message}");
                return 1;
        }
    }

    static string? Hint(ApiException api) => api.StatusCode switch
    {
        401 when api.Url.Contains("/auth/universal-auth/login", StringComparison.Ordinal) =>
            "check the client id and client secret, and that --domain points at the right server.",
        401 => "log in again with `coffer login`, or check the token given with --token / INFISICAL_TOKEN.",
        403 => "the identity lacks permission for this project, environment or path; ask a project admin.",
        404 => "check --projectId, --env and --path.",
        429 => "the server is rate limiting; wait a minute and try again.",
        >= 500 => "the server failed; quote the request id to its operator.",
        _ => null,
    };
}
