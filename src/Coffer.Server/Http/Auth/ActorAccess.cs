namespace Coffer.Server.Http.Auth;

/// <summary>Endpoint metadata: this route needs a caller. Routes without it never look at the Authorization header.</summary>
public sealed class RequiresActorMetadata
{
    public static readonly RequiresActorMetadata Instance = new();
}

/// <summary>Endpoint metadata: a signed-in user who has not picked an organization yet may call this route.</summary>
public sealed class AllowsNoOrganizationMetadata
{
    public static readonly AllowsNoOrganizationMetadata Instance = new();
}

public static class ActorAccess
{
    private const string ItemKey = "coffer.actor";

    public static TBuilder RequireActor<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(RequiresActorMetadata.Instance);
        return builder;
    }

    internal static void SetActor(this HttpContext context, Actor actor) => context.Items[ItemKey] = actor;

    /// <summary>The caller, when one has been authenticated for this request.</summary>
    public static Actor? FindActor(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var actor) ? actor as Actor : null;

    /// <summary>The authenticated caller; only valid on routes marked with <see cref="RequireActor{TBuilder}"/>.</summary>
    public static Actor GetActor(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var actor) && actor is Actor a
            ? a
            : throw new UnauthorizedException("Token missing");
}
