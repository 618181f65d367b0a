using System.Security.Cryptography;
using Coffer.Server.Http.RateLimiting;

namespace Coffer.Server.WebConsole;

/// <summary>
/// The console's stylesheet and script, compiled into the server (one file to deploy). Their URLs carry a hash of the
/// content, so browsers may keep them for a year and still see a new version at once.
/// </summary>
public static class ConsoleAssets
{
    private static readonly Asset Stylesheet = Load("console.css", "text/css; charset=utf-8");
    private static readonly Asset Script = Load("console.js", "text/javascript; charset=utf-8");

    public static string StylesheetUrl => Stylesheet.Url;
    public static string ScriptUrl => Script.Url;

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var asset in new[] { Stylesheet, Script })
        {
            app.MapGet($"/console/{asset.Name}", (HttpContext http) =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
                headers.ETag = asset.ETag;
                if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
                return Results.Bytes(asset.Content, asset.ContentType);
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

    private sealed record Asset(string Name, string ContentType, byte[] Content, string ETag, string Url);
}
