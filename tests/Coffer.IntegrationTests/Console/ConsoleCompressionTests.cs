using System.IO.Compression;
using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// Pages are compressed only for requests the browser marks as this origin's own; another site's requests, and
/// requests that do not say, get them as they are. Assets are compressed for anyone who accepts it.
/// </summary>
public sealed class ConsoleCompressionTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("same-origin", "br")]
    [InlineData("none", "br")]
    [InlineData("cross-site", null)]
    [InlineData("same-site", null)]
    [InlineData(null, null)]
    public async Task A_page_is_compressed_only_for_the_origins_own_requests(string? fetchSite, string? expected)
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = fx.Server.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/projects");
        request.Headers.Add("Cookie", $"coffer_session={browser.SessionCookie}");
        request.Headers.Add("Accept-Encoding", "br, gzip");
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var html = expected is null ? System.Text.Encoding.UTF8.GetString(bytes) : Decompress(bytes);
        Assert.Contains("<h1>Projects</h1>", html);
        Assert.True(response.Headers.CacheControl is { NoStore: true, NoCache: true });
    }

    [Fact]
    public async Task Assets_are_sent_compressed_to_whoever_accepts_it_and_the_enhancement_script_is_served()
    {
        var login = await fx.Server.Http.GetStringAsync("/login", TestContext.Current.CancellationToken);
        var url = System.Text.RegularExpressions.Regex.Match(login, "/console/blazor\\.web\\.js\\?v=[0-9a-f]+").Value;
        Assert.NotEmpty(url);
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = fx.Server.BaseAddress };
        foreach (var (accept, encoding) in new[] { ("br, gzip", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", null) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("Accept-Encoding", accept);
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(encoding, response.Content.Headers.ContentEncoding.SingleOrDefault());
            Assert.Equal("Accept-Encoding", string.Join(",", response.Headers.Vary));
            var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            var script = encoding switch
            {
                "br" => Decompress(bytes),
                "gzip" => new StreamReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)).ReadToEnd(),
                _ => System.Text.Encoding.UTF8.GetString(bytes),
            };
            Assert.Contains("enhancedload", script);
        }
    }

    private static string Decompress(byte[] brotli)
    {
        using var reader = new StreamReader(new BrotliStream(new MemoryStream(brotli), CompressionMode.Decompress));
        return reader.ReadToEnd();
    }
}
