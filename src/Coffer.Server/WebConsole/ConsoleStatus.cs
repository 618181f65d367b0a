namespace Coffer.Server.WebConsole;

/// <summary>The status a page answers with when a service refused what it was asked.</summary>
public static class ConsoleStatus
{
    /// <summary>
    /// A 404 set while a page renders makes ASP.NET's component renderer drop the page's body (it leaves 404s to
    /// status-code pages), and the person would see a blank page; so 404 is set as the response starts, after the page
    /// has rendered its message. Other statuses are set at once.
    /// </summary>
    public static void Set(HttpContext context, int status)
    {
        if (status != StatusCodes.Status404NotFound)
        {
            context.Response.StatusCode = status;
            return;
        }
        context.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }, context.Response);
    }
}
