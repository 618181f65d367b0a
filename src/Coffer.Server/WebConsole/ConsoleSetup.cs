using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;
using Coffer.Server.WebConsole.Components;

namespace Coffer.Server.WebConsole;

/// <summary>
/// The console: server-rendered Razor components at <c>/</c>, beside the API, calling the same services. No circuits,
/// no WebAssembly: every page is one request and works without JavaScript.
/// </summary>
public static class ConsoleSetup
{
    public static void AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        ConsoleCompression.AddServices(services);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = ConsoleCookie.AntiforgeryName;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // ConsoleHeaders sends DENY on every console response.
            o.SuppressXFrameOptionsHeader = true;
        });
        // Data protection's hosted service would load (and create) an XML key ring in the home directory at start-up; the
        // console seals its tokens with a database-held key instead (Hosting registers the provider).
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService")
                services.RemoveAt(i);
        }
    }

    /// <summary>Sessions and headers for console routes (downloads here; pages in their own pipeline, below).</summary>
    public static void UseConsole(this IApplicationBuilder app) => app.UseMiddleware<ConsoleMiddleware>();

    /// <summary>
    /// The stylesheet, script and downloads are routes of the server; the pages answer through one fallback whose
    /// pipeline (routing over the Razor components, sessions, antiforgery) is built on the first page request. A server
    /// nobody opens the console on never discovers the components or builds their routes, which would otherwise cost
    /// every instance its memory and start-up time (bench/README.md).
    /// </summary>
    public static void MapConsole(this WebApplication app)
    {
        ConsoleAssets.Map(app);
        ConsoleDownloads.Map(app);
        var pages = new ConsolePages(app.Services);
        app.MapFallback("{**path}", pages.InvokeAsync)
            // Pages take HTML form posts, which the API's JSON body reader leaves alone.
            .WithMetadata(JsonBody.FormBodyMetadata.Instance).ExcludeFromDescription().WithoutRateLimit();
    }
}

/// <summary>The console's pages: a pipeline of their own, built once, on the first request that is not the API's.</summary>
internal sealed class ConsolePages(IServiceProvider services)
{
    private readonly Lock _gate = new();
    private RequestDelegate? _pipeline;

    public Task InvokeAsync(HttpContext context)
    {
        var pipeline = _pipeline ?? Build();
        // The server's routing chose this fallback; the pages' own routing matches the path again.
        context.SetEndpoint(null);
        context.Request.RouteValues.Clear();
        return pipeline(context);
    }

    private RequestDelegate Build()
    {
        lock (_gate)
        {
            if (_pipeline is not null) return _pipeline;
            // A fresh builder (not the server's): its routes stay out of the API's routing table.
            var pages = new ApplicationBuilder(services);
            pages.UseWhen(ConsoleCompression.Allowed, compressed => compressed.UseResponseCompression());
            pages.UseRouting();
            pages.UseMiddleware<ConsoleMiddleware>();
            // Counted per page and method as API routes are (sign-in and set-up under the auth policy); the server's
            // own limiter skips the fallback that leads here.
            pages.UseMiddleware<RateLimitMiddleware>();
            pages.UseAntiforgery();
            pages.UseEndpoints(e => e.MapRazorComponents<App>().Add(b => b.Metadata.Add(JsonBody.FormBodyMetadata.Instance)));
            pages.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            return _pipeline = pages.Build();
        }
    }
}
