using System.Data.Common;
using Coffer.Server.Features.Identities;

namespace Coffer.Server.Features.OidcAuth;

public sealed record OidcAuthRow : AuthMethodRow
{
    public string OidcDiscoveryUrl { get; init; } = "";
    public string CaCert { get; init; } = "";
    public string BoundIssuer { get; init; } = "";
    public string BoundAudiences { get; init; } = "";
    public string BoundClaims { get; init; } = "{}";
    public string? ClaimMetadataMapping { get; init; }
    public string BoundSubject { get; init; } = "";
}

/// <summary>Identities' OIDC auth configurations: the table and its own columns (queries in <see cref="AuthMethodStore"/>).</summary>
public static class OidcAuthStore
{
    public static readonly AuthMethodSchema Schema = new("identity_oidc_auths",
        "oidc_discovery_url", "ca_cert", "bound_issuer", "bound_audiences", "bound_claims", "claim_metadata_mapping", "bound_subject");

    public static Task<OidcAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        AuthMethodStore.FindByIdentityAsync<OidcAuthRow>(conn, Schema, identityId, tx);
}
