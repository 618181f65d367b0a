using System.Security.Cryptography;

namespace Coffer.Server.Http;

/// <summary>Infisical's request ids: "req-" and 14 alphanumerics, in every error body and the X-Request-Id header.</summary>
public static class RequestId
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New() => "req-" + RandomNumberGenerator.GetString(Alphabet, 14);

    public static string Of(HttpContext context) => context.TraceIdentifier;

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = New();
        context.TraceIdentifier = id;
        context.Response.Headers["X-Request-Id"] = id;
        return next(context);
    });
}
