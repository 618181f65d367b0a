using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.JwtAuth;

namespace Coffer.Tests.Auth;

/// <summary>What a login keeps for permission templates: an AWS principal read from its ARN, and claims as JavaScript's String() gives them.</summary>
public sealed class TokenAuthInfoTests
{
    [Theory]
    [InlineData("arn:aws:sts::123456789012:assumed-role/ci-deploy/session-1", "aws", "sts", "role", "ci-deploy")]
    [InlineData("arn:aws:iam::123456789012:role/team/ci-deploy", "aws", "iam", "role", "ci-deploy")]
    [InlineData("arn:aws-cn:iam::123456789012:user/alice", "aws-cn", "iam", "user", "alice")]
    [InlineData("arn:aws:iam::123456789012:instance-profile/web", "aws", "iam", "instance-profile", "web")]
    [InlineData("arn:aws:sts::123456789012:federated-user/bob", "aws", "sts", "federated-user", "bob")]
    [InlineData("not-an-arn", "", "", "", "")]
    public void An_AWS_ARN_gives_its_partition_service_type_and_name(string arn, string partition, string service, string type, string name)
    {
        var values = TokenAuthInfo.ForTemplates("id-1", "ci", "aws-auth", TokenAuthInfo.Aws("123456789012", arn, "AIDA1").ToJsonString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["identityId"] = "id-1",
                ["identityName"] = "ci",
                ["authMethod"] = "aws-auth",
                ["aws.accountId"] = "123456789012",
                ["aws.arn"] = arn,
                ["aws.userId"] = "AIDA1",
                ["aws.partition"] = partition,
                ["aws.service"] = service,
                ["aws.resourceType"] = type,
                ["aws.resourceName"] = name,
            },
            values);
    }

    [Fact]
    public void Without_a_proof_only_the_tokens_identity_and_method_are_known()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["identityId"] = "id-1", ["identityName"] = "ci", ["authMethod"] = "universal-auth" },
            TokenAuthInfo.ForTemplates("id-1", "ci", "universal-auth", null));
        Assert.Equal("k8s", TokenAuthInfo.ForTemplates("i", "n", "kubernetes-auth", TokenAuthInfo.Kubernetes("k8s", "api").ToJsonString())["kubernetes.namespace"]);
        Assert.Equal("x", TokenAuthInfo.ForTemplates("i", "n", "oidc-auth",
            TokenAuthInfo.Oidc(new Dictionary<string, string> { ["team"] = "x" }).ToJsonString())["oidc.claims.team"]);
    }

    [Theory]
    [InlineData("\"alpha\"", "alpha")]
    [InlineData("7", "7")]
    [InlineData("7.5", "7.5")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("1e3", "1000")]
    [InlineData("true", "true")]
    [InlineData("[\"a\",1,[\"b\",false]]", "a,1,b,false")]
    [InlineData("[null,\"x\"]", ",x")]
    [InlineData("{\"a\":1}", "[object Object]")]
    public void A_claim_becomes_the_string_JavaScript_makes_of_it(string json, string expected) =>
        Assert.Equal(expected, JwtPolicy.ToJsString(JsonNode.Parse(json)));
}
