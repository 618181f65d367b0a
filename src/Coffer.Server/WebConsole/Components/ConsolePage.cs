using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Microsoft.AspNetCore.Components;

namespace Coffer.Server.WebConsole.Components;

/// <summary>
/// A page for a signed-in person: anyone else is sent to the sign-in page. Service errors become a message at the top
/// of the form instead of an error page, and the form keeps what was typed.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] public HttpContext HttpContext { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>The signed-in person; null only while the page is redirecting.</summary>
    protected Actor? Actor { get; private set; }

    /// <summary>What the last action failed with, in the service's words.</summary>
    protected string? Error { get; set; }

    protected AuditContext Audit => AuditContext.From(HttpContext, Actor);

    protected sealed override async Task OnInitializedAsync()
    {
        Actor = HttpContext.FindActor();
        if (Actor is null)
        {
            Navigation.NavigateTo("/login");
            return;
        }
        await LoadAsync(Actor);
    }

    /// <summary>Reads what the page shows; runs before any form handler.</summary>
    protected virtual Task LoadAsync(Actor actor) => Task.CompletedTask;

    /// <summary>Runs a service call; an API error is kept in <see cref="Error"/> and false returned.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            Error = null;
            return true;
        }
        catch (ApiException e)
        {
            Error = ConsoleErrors.Describe(e);
            HttpContext.Response.StatusCode = e.StatusCode;
            return false;
        }
    }
}
