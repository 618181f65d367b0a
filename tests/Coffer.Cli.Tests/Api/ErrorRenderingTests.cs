using Coffer.Cli.Api;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tests.Api;

public sealed class ErrorRenderingTests
{
    static (int Code, string Text) Render(Exception ex)
    {
        var writer = new StringWriter();
        var code = ErrorRenderer.Render(ex, writer);
        return (code, writer.ToString());
    }

    [Fact]
    public void Server_errors_show_message_status_request_id_and_a_hint()
    {
        var ex = ApiException.FromResponse(404, "Not Found",
            """{"reqId":"req-0123456789abcd","statusCode":404,"message":"Project with ID 'x' not found","error":"NotFound"}""",
            null, "GET", "http://h/api/v3/secrets/raw?workspaceId=x");

        var (code, text) = Render(ex);

        Assert.Equal(1, code);
        Assert.Equal(
            "error: Project with ID 'x' not found\n  status: 404 NotFound (GET http://h/api/v3/secrets/raw?workspaceId=x)\n  request id: req-0123456789abcd\n  hint: check --projectId, --env and --path.\n",
            text.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_issues_are_listed_one_per_line()
    {
        var ex = ApiException.FromResponse(422, null,
            """{"reqId":"req-1","statusCode":422,"error":"ValidationFailure","message":[{"code":"invalid_type","path":["body","secretValue"],"message":"Required"},{"code":"too_small","path":["environment"],"message":"String must contain at least 1 character(s)"}]}""",
            null, "POST", "http://h/api/v3/secrets/raw/A");

        var (_, text) = Render(ex);

        Assert.Contains("  - body.secretValue: Required\n", text, StringComparison.Ordinal);
        Assert.Contains("  - environment: String must contain at least 1 character(s)\n", text, StringComparison.Ordinal);
        Assert.Contains("status: 422 ValidationFailure", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_that_is_not_json_still_gives_the_status_and_the_header_request_id()
    {
        var ex = ApiException.FromResponse(502, "Bad Gateway", "<html>nginx</html>", "req-from-header", "GET", "http://h/api/x");

        var (code, text) = Render(ex);

        Assert.Equal(1, code);
        Assert.Contains("error: The server answered 502 Bad Gateway", text, StringComparison.Ordinal);
        Assert.Contains("request id: req-from-header", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_servers_name_the_address_and_the_settings_to_check()
    {
        var (code, text) = Render(new ServerUnreachableException("http://127.0.0.1:1", 5, "connection refused", null));

        Assert.Equal(1, code);
        Assert.Contains("could not reach the server at http://127.0.0.1:1 (connection refused)", text, StringComparison.Ordinal);
        Assert.Contains("INFISICAL_API_URL", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unexpected_exceptions_never_print_a_stack_trace()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var (code, text) = Render(thrown);

        Assert.Equal(1, code);
        Assert.Equal("error: unexpected failure (InvalidOperationException): boom\n", text.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void User_errors_keep_their_exit_code()
    {
        var (code, text) = Render(new CliUserException("Could not start 'x'", "check PATH", 127));

        Assert.Equal(127, code);
        Assert.Equal("error: Could not start 'x'\n  hint: check PATH\n", text.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
