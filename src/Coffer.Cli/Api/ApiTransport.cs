using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Coffer.Cli.Api;

/// <summary>
/// Sends requests to <c>{domain}/api/...</c> with the SDK's retry rules and turns error answers into
/// <see cref="ApiException"/>. One instance per command run.
/// </summary>
internal sealed class ApiTransport : IDisposable
{
    static readonly string UserAgent =
        "coffer-cli/" + (typeof(ApiTransport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "dev");

    readonly HttpClient _http;
    readonly RetryPolicy _policy;

    public ApiTransport(Uri apiBase, HttpMessageHandler handler, RetryPolicy policy)
    {
        ApiBase = apiBase;
        _policy = policy;
        // Per-attempt timeouts are handled below; HttpClient's own timeout would span all retries.
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = apiBase, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
    }

    public Uri ApiBase { get; }

    /// <summary>
    /// Sends the request built by <paramref name="build"/> (called once per attempt, since a request
    /// message cannot be sent twice) and returns a successful or 304 response. Error statuses throw.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (true)
        {
            attempt++;
            using var request = build();
            var url = new Uri(ApiBase, request.RequestUri!).ToString();
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCts.CancelAfter(_policy.AttemptTimeout);

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptCts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (attempt > _policy.MaxRetries)
                {
                    throw new ServerUnreachableException(ApiBase.GetLeftPart(UriPartial.Authority), attempt, Describe(ex), ex);
                }

                await _policy.Delay(_policy.DelayBefore(attempt, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt <= _policy.MaxRetries)
            {
                response.Dispose();
                await _policy.Delay(_policy.DelayBefore(attempt, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified)
            {
                return response;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var headerReqId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
                throw ApiException.FromResponse((int)response.StatusCode, response.ReasonPhrase, body, headerReqId, request.Method.Method, url);
            }
        }
    }

    // Network failures and per-attempt timeouts are retried; the user's own Ctrl-C is not.
    static bool IsTransient(Exception ex, CancellationToken userToken) => ex switch
    {
        HttpRequestException => true,
        OperationCanceledException when !userToken.IsCancellationRequested => true,
        _ => false,
    };

    static string Describe(Exception ex)
    {
        if (ex is OperationCanceledException)
        {
            return "no answer within the 10 s timeout";
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                    _ => socket.Message,
                };
            }
        }

        return ex.Message;
    }

    public void Dispose() => _http.Dispose();
}
