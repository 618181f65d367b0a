namespace Coffer.Server.Http;

/// <summary>Infisical's request ids: "req-" and 14 alphanumerics, in every error body and the X-Request-Id header.</summary>
public static class RequestId
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // Request ids label logs and error bodies; they grant nothing, so the fast shared generator is enough.
    public static string New() => string.Create(18, 0, static (span, _) =>
    {
        "req-".CopyTo(span);
        for (var i = 4; i < span.Length; i++) span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
    });

    public static string Of(HttpContext context) => context.TraceIdentifier;

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = New();
        context.TraceIdentifier = id;
        context.Response.Headers["X-Request-Id"] = id;
        return next(context);
    });
}
