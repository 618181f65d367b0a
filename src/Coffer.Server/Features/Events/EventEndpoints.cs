using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Events;

/// <summary><c>POST /api/v1/events/subscribe/project-events</c>: a server-sent event stream of one project's secret changes.</summary>
public static class EventEndpoints
{
    public static void MapEvents(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/events/subscribe/project-events", SubscribeAsync)
            .RequireActor().WithTags("Events").WithSummary("Subscribe to project events");

    private static async Task SubscribeAsync(HttpContext http, EventService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var projectId = body.String("projectId", trim: true);
        var items = body.Objects("register", required: true, min: 1, max: 10);
        var registrations = new List<EventRegistration>();
        foreach (var item in items ?? [])
        {
            var name = item.Enum("event", ProjectEventNames.All, required: true);
            var conditions = item.Object("conditions");
            var secretPath = conditions?.String("secretPath");
            var environment = conditions?.String("environmentSlug");
            if (name is not null) registrations.Add(new EventRegistration(name, environment, secretPath));
        }
        body.ThrowIfInvalid();
        await service.StreamAsync(http, http.GetActor(), projectId!, registrations);
    }
}
