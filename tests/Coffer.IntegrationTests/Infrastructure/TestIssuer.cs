using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// An identity provider of the test's own on HTTPS at 127.0.0.1 (its certificate from a CA made here): it serves a
/// JWKS of the keys it currently signs with (rotation replaces them), counts how often the JWKS is fetched, and has a
/// JWKS address that never answers. Tokens are signed with the platform's RSA/ECDSA.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile Dictionary<string, RSA> _keys;
    private int _fetches;

    private TestIssuer(WebApplication app, string caPem, Dictionary<string, RSA> keys)
    {
        _app = app;
        CaPem = caPem;
        _keys = keys;
    }

    public string CaPem { get; }

    public string BaseUrl { get; private set; } = "";

    public int JwksFetches => Volatile.Read(ref _fetches);

    public static async Task<TestIssuer> StartAsync()
    {
        var (caPem, serverCert) = TestCertificates.LoopbackServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(serverCert)));
        var app = builder.Build();
        var issuer = new TestIssuer(app, caPem, new Dictionary<string, RSA> { ["k1"] = RSA.Create(2048) });
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref issuer._fetches);
            return Results.Text(issuer.Jwks().ToJsonString(), "application/json");
        });
        app.MapGet("/.well-known/openid-configuration", () =>
            Results.Text(new JsonObject { ["issuer"] = issuer.BaseUrl, ["jwks_uri"] = issuer.BaseUrl + "/jwks" }.ToJsonString(), "application/json"));
        app.MapGet("/hang/.well-known/openid-configuration", async (HttpContext http) =>
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
            return Results.Ok();
        });
        app.MapGet("/hang", async (HttpContext http) =>
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
            return Results.Ok();
        });
        app.MapGet("/redirect", () => Results.Redirect("/jwks"));
        await app.StartAsync();
        issuer.BaseUrl = app.Urls.Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return issuer;
    }

    /// <summary>The issuer starts signing with a new key (a new <c>kid</c>) and publishes only that one.</summary>
    public void Rotate(string kid) => _keys = new Dictionary<string, RSA> { [kid] = RSA.Create(2048) };

    public string Sign(string? kid, JsonObject claims)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (kid is not null) header["kid"] = kid;
        var input = B64(header) + "." + B64(claims);
        kid ??= _keys.Keys.First();
        var key = _keys.TryGetValue(kid, out var current) ? current : RSA.Create(2048);
        return input + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private JsonObject Jwks() => new()
    {
        ["keys"] = new JsonArray([.. _keys.Select(k =>
        {
            var p = k.Value.ExportParameters(false);
            return (JsonNode)new JsonObject
            {
                ["kty"] = "RSA", ["kid"] = k.Key, ["use"] = "sig", ["alg"] = "RS256",
                ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent),
            };
        })]),
    };

    private static string B64(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
