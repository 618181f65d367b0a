using System.Net;
using System.Net.Sockets;
using System.Text;
using Coffer.Cli.Api;

namespace Coffer.Cli.Tests.Api;

public sealed class ApiTransportTests
{
    static readonly Uri Base = new("http://server.test/api/");

    sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Seen { get; } = [];
        public List<string?> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add(request);
            Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
            var answer = answers[Math.Min(Seen.Count - 1, answers.Length - 1)];
            return answer(request);
        }
    }

    static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    static HttpResponseMessage Refused(HttpRequestMessage _) =>
        throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    static (RetryPolicy Policy, List<TimeSpan> Delays) RecordingPolicy()
    {
        var delays = new List<TimeSpan>();
        var policy = RetryPolicy.Sdk with
        {
            Delay = (d, _) =>
            {
                delays.Add(d);
                return Task.CompletedTask;
            },
        };
        return (policy, delays);
    }

    [Fact]
    public async Task Rate_limited_requests_are_retried_with_backoff()
    {
        var (policy, delays) = RecordingPolicy();
        var handler = new ScriptedHandler(
            _ => Json(HttpStatusCode.TooManyRequests, """{"message":"slow down"}"""),
            _ => Json(HttpStatusCode.TooManyRequests, """{"message":"slow down"}"""),
            _ => Json(HttpStatusCode.OK, """{"accessToken":"t","expiresIn":1,"accessTokenMaxTTL":2}"""));
        using var transport = new ApiTransport(Base, handler, policy);

        var answer = await new CofferApiClient(transport, null).LoginUniversalAuthAsync("id", "secret", CancellationToken.None);

        Assert.Equal("t", answer.AccessToken);
        Assert.Equal(3, handler.Seen.Count);
        Assert.Equal(2, delays.Count);
        Assert.InRange(delays[0].TotalMilliseconds, 800, 1200);
        Assert.InRange(delays[1].TotalMilliseconds, 1600, 2400);
    }

    [Fact]
    public async Task Network_failures_are_retried_four_times_then_reported()
    {
        var (policy, delays) = RecordingPolicy();
        var handler = new ScriptedHandler(Refused);
        using var transport = new ApiTransport(Base, handler, policy);

        var ex = await Assert.ThrowsAsync<ServerUnreachableException>(() =>
            new CofferApiClient(transport, "tok").RenewAsync("tok", CancellationToken.None));

        Assert.Equal(5, handler.Seen.Count);
        Assert.Equal(5, ex.Attempts);
        Assert.Equal("connection refused", ex.Reason);
        Assert.Equal("http://server.test", ex.Url);
        // 1 s, 2 s, 4 s, 8 s, each ±20 %: about 15 s in total, the SDK's budget.
        Assert.Equal(4, delays.Count);
        Assert.InRange(delays.Sum(d => d.TotalSeconds), 12, 18);
    }

    [Fact]
    public async Task Server_errors_are_not_retried_and_carry_the_envelope()
    {
        var (policy, _) = RecordingPolicy();
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.Forbidden,
            """{"reqId":"req-abcdefghijklmn","statusCode":403,"message":"You are not allowed to read on secrets","error":"PermissionDenied","details":[]}"""));
        using var transport = new ApiTransport(Base, handler, policy);

        var ex = await Assert.ThrowsAsync<ApiException>(() => new CofferApiClient(transport, "tok")
            .ListSecretsAsync(new SecretQuery("p", "dev", "/", true, false, true, null), null, CancellationToken.None));

        Assert.Single(handler.Seen);
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal("You are not allowed to read on secrets", ex.Message);
        Assert.Equal("req-abcdefghijklmn", ex.RequestId);
        Assert.Equal("PermissionDenied", ex.ErrorName);
        Assert.Equal("GET", ex.Method);
    }

    [Fact]
    public async Task Each_attempt_has_its_own_timeout()
    {
        var (policy, _) = RecordingPolicy();
        policy = policy with { AttemptTimeout = TimeSpan.FromMilliseconds(50), MaxRetries = 1 };
        var handler = new SlowHandler();
        using var transport = new ApiTransport(Base, handler, policy);

        var ex = await Assert.ThrowsAsync<ServerUnreachableException>(() => new CofferApiClient(transport, "t").RenewAsync("t", CancellationToken.None));

        Assert.Equal(2, handler.Calls);
        Assert.Contains("timeout", ex.Reason, StringComparison.Ordinal);
    }

    sealed class SlowHandler : HttpMessageHandler
    {
        public int Calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    [Fact]
    public async Task List_sends_infisicals_query_and_headers_and_reads_the_etag()
    {
        var (policy, _) = RecordingPolicy();
        var handler = new ScriptedHandler(_ =>
        {
            var response = Json(HttpStatusCode.OK, """{"secrets":[{"secretKey":"A","secretValue":"1","type":"shared"}],"imports":[]}""");
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"v1\"");
            return response;
        });
        using var transport = new ApiTransport(Base, handler, policy);

        var result = await new CofferApiClient(transport, "tok").ListSecretsAsync(
            new SecretQuery("proj", "dev", "/apps/api", IncludeImports: true, Recursive: false, ExpandSecretReferences: true, "a,b"), "\"v0\"", CancellationToken.None);

        var request = handler.Seen.Single();
        Assert.Equal("http://server.test/api/v3/secrets/raw?workspaceId=proj&environment=dev&secretPath=%2Fapps%2Fapi&tagSlugs=a%2Cb&include_imports=true&expandSecretReferences=true", request.RequestUri!.ToString());
        Assert.Equal("Bearer tok", request.Headers.Authorization!.ToString());
        Assert.Equal("\"v0\"", request.Headers.IfNoneMatch.Single().ToString());
        Assert.StartsWith("coffer-cli/", request.Headers.UserAgent.ToString(), StringComparison.Ordinal);
        Assert.Equal("\"v1\"", result.ETag);
        Assert.Equal("A", result.Body!.Secrets.Single().SecretKey);
    }

    [Fact]
    public async Task Not_modified_is_reported_without_a_body()
    {
        var (policy, _) = RecordingPolicy();
        var handler = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.NotModified));
        using var transport = new ApiTransport(Base, handler, policy);

        var result = await new CofferApiClient(transport, "tok").ListSecretsAsync(new SecretQuery("p", "dev", "/", false, false, false, null), "\"v1\"", CancellationToken.None);

        Assert.True(result.NotModified);
        Assert.Null(result.Body);
    }

    [Fact]
    public async Task Writes_go_to_infisicals_paths_with_json_bodies()
    {
        var (policy, _) = RecordingPolicy();
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"secret":{}}"""));
        using var transport = new ApiTransport(Base, handler, policy);
        var client = new CofferApiClient(transport, "tok");

        await client.CreateSecretAsync("A B", new SecretWriteRequest("p", "dev", "/", "shared", "v"), CancellationToken.None);
        await client.DeleteSecretAsync("A", new SecretWriteRequest("p", "dev", "/", "shared"), CancellationToken.None);
        await client.DeleteFolderAsync("api", new DeleteFolderRequest("p", "dev", "/apps", "/apps"), CancellationToken.None);

        Assert.Equal("POST", handler.Seen[0].Method.Method);
        Assert.Equal("/api/v3/secrets/raw/A%20B", handler.Seen[0].RequestUri!.AbsolutePath);
        Assert.Equal("""{"workspaceId":"p","environment":"dev","secretPath":"/","type":"shared","secretValue":"v"}""", handler.Bodies[0]);
        Assert.Equal("DELETE", handler.Seen[1].Method.Method);
        Assert.Equal("""{"workspaceId":"p","environment":"dev","secretPath":"/","type":"shared"}""", handler.Bodies[1]);
        Assert.Equal("/api/v1/folders/api", handler.Seen[2].RequestUri!.AbsolutePath);
        Assert.Equal("""{"workspaceId":"p","environment":"dev","path":"/apps","directory":"/apps"}""", handler.Bodies[2]);
    }
}
