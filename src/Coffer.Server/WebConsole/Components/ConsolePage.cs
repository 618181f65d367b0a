using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;
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
    [Inject] private PermissionService PermissionService { get; set; } = default!;

    /// <summary>The signed-in person; null only while the page is redirecting.</summary>
    protected Actor? Actor { get; private set; }

    /// <summary>What the last action failed with, in the service's words.</summary>
    protected string? Error { get; set; }

    protected AuditContext Audit => AuditContext.From(HttpContext, Actor);

    /// <summary>
    /// A form post. Pages render every form on a post, also those they leave out for people without the permission, so
    /// that a crafted post reaches its handler and is refused by the service's own check, as the API refuses it.
    /// </summary>
    protected bool IsPost => HttpMethods.IsPost(HttpContext.Request.Method);

    private bool _loaded;

    /// <summary>
    /// Loads the page before its first render. Loaded in <c>OnInitializedAsync</c>, a page renders once at the first await
    /// that does not complete at once (which one depends on caches and the engine), half-loaded: the secret page drew its
    /// edit form before the form's model was set and answered 500.
    /// </summary>
    public override async Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        if (!_loaded)
        {
            _loaded = true;
            await LoadPageAsync();
        }
        await base.SetParametersAsync(ParameterView.Empty);
    }

    private async Task LoadPageAsync()
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

    /// <summary>
    /// The signed-in person's permissions in a project, to leave out controls they may not use (none if they cannot open
    /// it). Only presentation: every action still goes through the service, which checks again.
    /// </summary>
    protected async Task<PermissionSet> ProjectPermissionsAsync(string projectId)
    {
        try
        {
            return (await PermissionService.ForProjectAsync(Actor!, projectId)).Permissions;
        }
        catch (ApiException)
        {
            return PermissionSet.Empty;
        }
    }

    /// <summary>
    /// The project's environment named by a page's address; when it has none, null, with the API's 404 and message kept
    /// for the page to show.
    /// </summary>
    protected EnvironmentSummaryDto? EnvironmentOrNotFound(ProjectDto project, string slug)
    {
        var environment = project.Environments?.FirstOrDefault(e => e.Slug == slug);
        if (environment is null)
        {
            Error = $"Environment with slug '{slug}' not found";
            ConsoleStatus.Set(HttpContext, StatusCodes.Status404NotFound);
        }
        return environment;
    }

    /// <summary>The same for the organization the session works in.</summary>
    protected async Task<PermissionSet> OrgPermissionsAsync()
    {
        try
        {
            return (await PermissionService.ForOrgAsync(Actor!, Actor!.OrgId)).Permissions;
        }
        catch (ApiException)
        {
            return PermissionSet.Empty;
        }
    }

    /// <summary>
    /// Reads a form with the API's own reader; what it refuses is kept in <see cref="Error"/> in its words (field names
    /// replaced by the form's <paramref name="labels"/>) and null returned.
    /// </summary>
    protected T? ReadInput<T>(Func<T> read, IReadOnlyDictionary<string, string>? labels = null) where T : class
    {
        try
        {
            return read();
        }
        catch (ApiException e)
        {
            Error = ConsoleErrors.Describe(e, labels);
            ConsoleStatus.Set(HttpContext, e.StatusCode);
            return null;
        }
    }

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
            ConsoleStatus.Set(HttpContext, e.StatusCode);
            return false;
        }
    }
}
