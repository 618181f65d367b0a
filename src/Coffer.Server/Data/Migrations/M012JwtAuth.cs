namespace Coffer.Server.Data.Migrations;

/// <summary>
/// JWT auth (Infisical's <c>identity_jwt_auths</c>): an identity logs in with a JWT its own issuer signed, checked
/// against the public keys (or JWKS address) and the bound issuer, subject, audiences and claims stored here. Public
/// keys and a CA certificate are public: they are kept in the clear.
/// </summary>
public sealed class M012JwtAuth : Migration
{
    public override int Id => 12;
    public override string Name => "jwt-auth";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("identity_jwt_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("configuration_type")
            .Text("jwks_url")
            .Text("jwks_ca_cert")
            .Json("public_keys")
            .Text("bound_issuer")
            .Text("bound_audiences")
            .Json("bound_claims")
            .Text("bound_subject")
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Json("access_token_trusted_ips")
            .Timestamps()
            .Unique("identity_id"));
}
