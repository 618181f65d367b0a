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

    /// <summary>After routing: sessions and headers for console pages, then antiforgery for their forms.</summary>
    public static void UseConsole(this IApplicationBuilder app)
    {
        app.UseMiddleware<ConsoleMiddleware>();
        app.UseAntiforgery();
    }

    public static void MapConsole(this IEndpointRouteBuilder app)
    {
        // Pages take HTML form posts, which the API's JSON body reader leaves alone.
        app.MapRazorComponents<App>().Add(e => e.Metadata.Add(JsonBody.FormBodyMetadata.Instance));
        ConsoleAssets.Map(app);
        ConsoleDownloads.Map(app);
    }
}
