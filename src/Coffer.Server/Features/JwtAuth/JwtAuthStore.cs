using System.Data.Common;
using Coffer.Server.Features.Identities;

namespace Coffer.Server.Features.JwtAuth;

public sealed record JwtAuthRow : AuthMethodRow
{
    public string ConfigurationType { get; init; } = "";
    public string JwksUrl { get; init; } = "";
    public string JwksCaCert { get; init; } = "";
    public string PublicKeys { get; init; } = "[]";
    public string BoundIssuer { get; init; } = "";
    public string BoundAudiences { get; init; } = "";
    public string BoundClaims { get; init; } = "{}";
    public string BoundSubject { get; init; } = "";
}

/// <summary>Identities' JWT auth configurations: the table and its own columns (queries in <see cref="AuthMethodStore"/>).</summary>
public static class JwtAuthStore
{
    public static readonly AuthMethodSchema Schema = new("identity_jwt_auths",
        "configuration_type", "jwks_url", "jwks_ca_cert", "public_keys", "bound_issuer", "bound_audiences", "bound_claims", "bound_subject");

    public static Task<JwtAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        AuthMethodStore.FindByIdentityAsync<JwtAuthRow>(conn, Schema, identityId, tx);
}
