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

    /// <summary>Infisical's actor type strings, as audit events and permission templates use them.</summary>
    public string TypeName => Type == ActorType.Identity ? "identity" : "user";
}
