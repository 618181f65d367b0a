namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Kubernetes auth (Infisical's <c>identity_kubernetes_auths</c>): a pod logs in with its service-account token, which
/// Coffer has the cluster's TokenReview API check. The token reviewer's JWT is a credential: sealed under the
/// auth-method credentials server key. The CA certificate is public.
/// </summary>
public sealed class M014KubernetesAuth : Migration
{
    public override int Id => 14;
    public override string Name => "kubernetes-auth";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("identity_kubernetes_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("kubernetes_host")
            .Text("ca_cert")
            .Bytes("encrypted_token_reviewer_jwt", nullable: true)
            .Text("token_review_mode")
            .Text("allowed_namespaces")
            .Text("allowed_names")
            .Text("allowed_audience")
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Json("access_token_trusted_ips")
            .Timestamps()
            .Unique("identity_id"));
}
