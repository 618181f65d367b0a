namespace Coffer.Server.Http.Auth;

public enum ActorType
{
    Identity,
    User,
}

/// <summary>
/// Who is calling: resolved from the bearer token before any endpoint runs. <see cref="Epoch"/> is the security epoch
/// read while authenticating; caches of permissions are valid only for that epoch.
/// </summary>
public sealed record Actor(
    ActorType Type,
    string Id,
    string OrgId,
    string Name,
    string AuthMethod,
    string? TokenId = null,
    string? ClientSecretId = null,
    long Epoch = 0)
{
    public bool IsIdentity => Type == ActorType.Identity;

    /// <summary>The content version of the project the request names, read with <see cref="Epoch"/> (PostgreSQL only).</summary>
    public Data.ContentVersionHint? ContentVersionHint { get; init; }

    /// <summary>
    /// What the identity's token proved at login, as permission templates read it below <c>identity.auth</c>; null for
    /// people, and for an actor built to compare against (templates then render <c>identity.auth</c> empty, as Infisical's).
    /// </summary>
    public IReadOnlyDictionary<string, string>? AuthInfo { get; init; }

    /// <summary>Equal for two tokens whose <see cref="AuthInfo"/> renders the same rules, so they may share cached permissions.</summary>
    public string AuthInfoKey { get; init; } = "";

    /// <summary>Infisical's actor type strings, as audit events and permission templates use them.</summary>
    public string TypeName => Type == ActorType.Identity ? "identity" : "user";
}
