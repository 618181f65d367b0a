namespace Coffer.Server.WebConsole;

/// <summary>
/// Headers on every console response: scripts and styles only from this server (no inline script, no eval), no framing,
/// no referrer, and no caching — pages show secret values and who may see them.
/// </summary>
public static class ConsoleHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void ApplyPage(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // As antiforgery sets it on pages with a form; the same value everywhere spares its override (and its warning).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }
}
