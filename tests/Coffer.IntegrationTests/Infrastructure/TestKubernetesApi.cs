using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in for a Kubernetes API server's TokenReview endpoint (<c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>,
/// <c>authentication.k8s.io/v1</c>), on HTTPS at 127.0.0.1 — no cluster can run here. It answers as the API server
/// does: 401 to a caller whose bearer token is not a reviewer it knows, else a TokenReview whose status says whether
/// the reviewed token is one of the service-account tokens it was given. It records the bearer tokens it saw.
/// </summary>
public sealed class TestKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, (string ServiceAccount, string[] Audiences)> _tokens = [];
    private readonly HashSet<string> _reviewers = [];

    private TestKubernetesApi(WebApplication app, string caPem)
    {
        _app = app;
        CaPem = caPem;
    }

    public string CaPem { get; }

    public string Host { get; private set; } = "";

    public List<string> BearersSeen { get; } = [];

    /// <summary>Token reviews wait forever (an API server that hangs).</summary>
    public bool Hang { get; set; }

    public static async Task<TestKubernetesApi> StartAsync()
    {
        var (caPem, serverCert) = TestCertificates.LoopbackServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(serverCert)));
        var app = builder.Build();
        var api = new TestKubernetesApi(app, caPem);
        app.MapPost("/apis/authentication.k8s.io/v1/tokenreviews", async (HttpContext http) =>
        {
            var bearer = http.Request.Headers.Authorization.ToString();
            lock (api.BearersSeen) api.BearersSeen.Add(bearer);
            if (api.Hang) await Task.Delay(Timeout.Infinite, http.RequestAborted);
            var presented = bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer[7..] : "";
            if (!api._reviewers.Contains(presented) && !api._tokens.ContainsKey(presented))
                return Results.Json(new JsonObject { ["kind"] = "Status", ["status"] = "Failure", ["reason"] = "Unauthorized", ["code"] = 401 }, statusCode: 401);
            var review = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            var token = review["spec"]!["token"]!.GetValue<string>();
            var status = new JsonObject();
            if (api._tokens.TryGetValue(token, out var account))
            {
                var wanted = review["spec"]!["audiences"]?.AsArray().Select(a => a!.GetValue<string>()).ToArray() ?? account.Audiences;
                var granted = account.Audiences.Intersect(wanted).ToArray();
                if (granted.Length == 0)
                {
                    status["authenticated"] = false;
                    status["error"] = "[invalid bearer token, token audiences are invalid]";
                }
                else
                {
                    status["authenticated"] = true;
                    status["user"] = new JsonObject { ["username"] = account.ServiceAccount, ["uid"] = Guid.NewGuid().ToString() };
                    status["audiences"] = new JsonArray([.. granted.Select(a => (JsonNode)a)]);
                }
            }
            else
            {
                status["authenticated"] = false;
            }
            review["status"] = status;
            return Results.Json(review);
        });
        await app.StartAsync();
        api.Host = app.Urls.Single();
        return api;
    }

    /// <summary>A service account's token the API server will vouch for (<c>system:serviceaccount:ns:name</c>).</summary>
    public string Token(string serviceAccount, params string[] audiences)
    {
        var token = "sa-" + Guid.NewGuid().ToString("N");
        _tokens[token] = (serviceAccount, audiences.Length == 0 ? ["https://kubernetes.default.svc"] : audiences);
        return token;
    }

    /// <summary>A token allowed to call the TokenReview API (a reviewer's), itself no service account under review.</summary>
    public string ReviewerToken()
    {
        var token = "reviewer-" + Guid.NewGuid().ToString("N");
        _reviewers.Add(token);
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
