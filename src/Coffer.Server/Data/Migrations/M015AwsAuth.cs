namespace Coffer.Server.Data.Migrations;

/// <summary>AWS IAM auth (Infisical's <c>identity_aws_auths</c>): which STS answers, and which accounts and principals may log in.</summary>
public sealed class M015AwsAuth : Migration
{
    public override int Id => 15;
    public override string Name => "aws-auth";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("identity_aws_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("sts_endpoint")
            .Text("allowed_principal_arns")
            .Text("allowed_account_ids")
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Json("access_token_trusted_ips")
            .Timestamps()
            .Unique("identity_id"));
}
