using Coffer.Server.Data;

namespace Coffer.Server.Http.Outbound;

/// <summary>
/// The one way Coffer makes HTTP calls of its own (identity providers' keys, cloud APIs, …): every client made here
/// refuses to send from inside a write unit (<see cref="WriteUnit"/>), where a slow or hanging peer would hold up every
/// write of the process. Fetch first, then write.
/// </summary>
public static class OutboundHttp
{
    /// <summary>A client whose every request is checked; <paramref name="inner"/> is the transport (a test server's, say).</summary>
    public static HttpClient CreateClient(HttpMessageHandler? inner = null, TimeSpan? timeout = null) =>
        new(new NotInsideWriteUnits { InnerHandler = inner ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        };

    private sealed class NotInsideWriteUnits : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            WriteUnit.ThrowIfInside($"An HTTP call to {request.RequestUri?.Host}");
            return base.SendAsync(request, cancellationToken);
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            WriteUnit.ThrowIfInside($"An HTTP call to {request.RequestUri?.Host}");
            return base.Send(request, cancellationToken);
        }
    }
}
