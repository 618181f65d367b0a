namespace Coffer.Server.Permissions;

/// <summary>
/// What Infisical's permission service feeds Handlebars when it renders a project's rules for one actor:
/// <c>{{identity.id}}</c>, <c>{{identity.username}}</c>, <c>{{identity.metadata.&lt;key&gt;}}</c> and <c>{{identity.auth.&lt;path&gt;}}</c>.
/// For a user actor <see cref="Id"/> is the user id and <see cref="Username"/> the username; for an identity, its id and name.
/// </summary>
public sealed record ActorTemplateContext(string Id, string Username)
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    /// <summary>The actor's metadata key/value pairs (identity metadata or user metadata in that org).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>
    /// The identity's login details, keyed by their path below <c>identity.auth</c> (<c>identityId</c>, <c>identityName</c>,
    /// <c>authMethod</c>, <c>kubernetes.namespace</c>, <c>oidc.claims.sub</c>…). Null when the request was not made by this
    /// identity's own token, in which case every <c>{{identity.auth.…}}</c> renders empty, as in Infisical.
    /// </summary>
    public IReadOnlyDictionary<string, string>? AuthInfo { get; init; }
}
