using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace Coffer.Server.WebConsole;

/// <summary>
/// Pages are compressed (Brotli or gzip, fastest level) only for requests the browser says this origin itself made
/// (<c>Sec-Fetch-Site: same-origin</c>, or <c>none</c> for an address typed or bookmarked). A page can hold a secret
/// value next to text from the request (a search), and compression would then leak through response sizes (BREACH) if
/// another site could make a signed-in browser request pages at will. It cannot: the session cookie is
/// <c>SameSite=Strict</c>, and requests another site starts are never compressed. Requests without the header (older
/// browsers, scripts) get the page as is.
/// </summary>
public static class ConsoleCompression
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            // Only the pages' pipeline uses it, and only under Allowed; TLS is where the console is meant to run.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
    }

    public static bool Allowed(HttpContext context) =>
        context.Request.Headers["Sec-Fetch-Site"].ToString() is "same-origin" or "none";
}
