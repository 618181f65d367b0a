namespace Coffer.Server.WebConsole;

/// <summary>The console's session cookie: HttpOnly, SameSite=Strict, Secure whenever the request came over TLS.</summary>
public static class ConsoleCookie
{
    public const string Name = "coffer_session";
    public const string AntiforgeryName = "coffer_antiforgery";

    public static void Write(HttpContext context, string value) =>
        context.Response.Cookies.Append(Name, value, Options(context));

    public static void Delete(HttpContext context) => context.Response.Cookies.Delete(Name, Options(context));

    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
