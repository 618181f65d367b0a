using Coffer.Server.Features.Users;
using Coffer.Server.Http.Auth;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Coffer.Server.WebConsole;

/// <summary>
/// For console pages only: the security headers, and the signed-in person from the session cookie (a cookie that no
/// longer names a live session is removed). Pages that need a person send everyone else to the sign-in page.
/// </summary>
public sealed class ConsoleMiddleware(RequestDelegate next, UserService users)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<ComponentTypeMetadata>() is null && metadata?.GetMetadata<ConsoleEndpointMetadata>() is null)
        {
            await next(context);
            return;
        }
        ConsoleHeaders.ApplyPage(context.Response);
        if (context.Request.Cookies.TryGetValue(ConsoleCookie.Name, out var value) && value.Length > 0)
        {
            var actor = await users.AuthenticateConsoleAsync(value);
            if (actor is not null) context.SetActor(actor);
            else ConsoleCookie.Delete(context);
        }
        await next(context);
    }
}
