namespace Coffer.Server.Data.Migrations;

/// <summary>
/// OIDC auth (Infisical's <c>identity_oidc_auths</c>): an identity logs in with an ID token from an OpenID provider whose
/// discovery document names the signing keys; bound issuer, subject, audiences and claims are checked against it. The
/// CA certificate is public and kept in the clear.
/// </summary>
public sealed class M013OidcAuth : Migration
{
    public override int Id => 13;
    public override string Name => "oidc-auth";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("identity_oidc_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("oidc_discovery_url")
            .Text("ca_cert")
            .Text("bound_issuer")
            .Text("bound_audiences")
            .Json("bound_claims")
            .Json("claim_metadata_mapping", nullable: true)
            .Text("bound_subject")
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Json("access_token_trusted_ips")
            .Timestamps()
            .Unique("identity_id"));
}
