using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// Infisical's legacy service tokens (<c>st.&lt;id&gt;.&lt;secret&gt;</c>), deprecated there in favour of machine identities.
/// Coffer never issues one, so none can be valid here; rather than Infisical's "Service token with ID … not found", a
/// caller holding one is told plainly what to use instead (docs/compatibility.md).
/// </summary>
public static class ServiceTokens
{
    public const string Prefix = "st.";

    public const string Message =
        "Service tokens are not supported by this server. Please switch to machine identity authentication (universal auth or token auth).";

    public static UnauthorizedException NotSupported() => new(Message);

    /// <summary>
    /// <c>GET /api/v2/service-token</c> (the CLI's and the operator's "who am I" for a service token) and
    /// <c>POST /api/v2/service-token</c> (<c>infisical service-token create</c>): the same refusal whatever the token, so
    /// the clients report it instead of a route-not-found.
    /// </summary>
    public static void MapServiceTokenDetails(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Service tokens");
        group.MapGet("/api/v2/service-token", IResult () => throw NotSupported()).WithSummary("Service token details (not supported)");
        group.MapPost("/api/v2/service-token", IResult () => throw NotSupported()).WithSummary("Create a service token (not supported)");
    }
}
