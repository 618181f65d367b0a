using System.IO.Compression;
using System.Security.Cryptography;
using Coffer.Server.Http.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace Coffer.Server.WebConsole;

/// <summary>
/// The console's stylesheet and scripts (ours and ASP.NET's enhanced-navigation script), compiled into the server (one
/// file to deploy). Their URLs carry a hash of the content, so browsers may keep them for a year and still see a new
/// version at once; each is sent Brotli- or gzip-compressed when the browser accepts it (compressed once, on first use).
/// </summary>
public static class ConsoleAssets
{
    private static readonly Asset Stylesheet = Load("console.css", "text/css; charset=utf-8");
    private static readonly Asset Script = Load("console.js", "text/javascript; charset=utf-8");
    private static readonly Asset Enhancement = Load("blazor.web.js", "text/javascript; charset=utf-8");

    public static string StylesheetUrl => Stylesheet.Url;
    public static string ScriptUrl => Script.Url;
    public static string EnhancementUrl => Enhancement.Url;

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var asset in new[] { Stylesheet, Script, Enhancement })
        {
            app.MapGet($"/console/{asset.Name}", (HttpContext http) =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
                headers.ETag = asset.ETag;
                headers.Vary = HeaderNames.AcceptEncoding;
                if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
                var (encoding, content) = asset.For(http.Request.Headers.AcceptEncoding.ToString());
                if (encoding is not null) headers.ContentEncoding = encoding;
                return Results.Bytes(content, asset.ContentType);
            }).ExcludeFromDescription().WithoutRateLimit();
        }
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream($"console/{name}")
            ?? throw new InvalidOperationException($"The console asset {name} is not in the server assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8));
        return new Asset(name, contentType, content, $"\"{hash}\"", $"/console/{name}?v={hash}");
    }

    private sealed class Asset(string name, string contentType, byte[] content, string etag, string url)
    {
        private readonly Lazy<byte[]> _brotli = new(() => Compress(content, s => new BrotliStream(s, CompressionLevel.SmallestSize)));
        private readonly Lazy<byte[]> _gzip = new(() => Compress(content, s => new GZipStream(s, CompressionLevel.SmallestSize)));

        public string Name => name;
        public string ContentType => contentType;
        public string ETag => etag;
        public string Url => url;

        /// <summary>The encoding to send for an Accept-Encoding header (Brotli, then gzip, else none) and its bytes.</summary>
        public (string? Encoding, byte[] Content) For(string acceptEncoding) =>
            Accepts(acceptEncoding, "br") ? ("br", _brotli.Value)
            : Accepts(acceptEncoding, "gzip") ? ("gzip", _gzip.Value)
            : (null, content);

        private static bool Accepts(string header, string coding) =>
            StringWithQualityHeaderValue.TryParseList([header], out var values)
            && values.Any(v => v.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) && (v.Quality ?? 1) > 0);

        private static byte[] Compress(byte[] data, Func<Stream, Stream> encoder)
        {
            using var output = new MemoryStream();
            using (var compressing = encoder(output)) compressing.Write(data);
            return output.ToArray();
        }
    }
}
