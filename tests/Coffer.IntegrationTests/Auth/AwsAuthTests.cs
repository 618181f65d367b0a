using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// AWS IAM auth against a protocol-faithful STS stand-in that checks SigV4 signatures (no AWS here): a signed
/// GetCallerIdentity logs in when STS vouches for it and the account and principal are allowed; the forward keeps the
/// client's signed headers intact; anything but a GetCallerIdentity for STS — another action, another service, another
/// host — is refused before anything is sent.
/// </summary>
public sealed class AwsAuthTests(InternalConnectionsServer fx) : IClassFixture<InternalConnectionsServer>, IAsyncLifetime
{
    private static readonly string[] ConfigKeys =
    [
        "id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenTrustedIps", "createdAt", "updatedAt", "identityId", "type",
        "stsEndpoint", "allowedPrincipalArns", "allowedAccountIds",
    ];

    private TestSts _sts = null!;

    public async ValueTask InitializeAsync() => _sts = await TestSts.StartAsync();

    public async ValueTask DisposeAsync() => await _sts.DisposeAsync();

    private async Task<string> ConfiguredAsync(string arns = "arn:aws:iam::123456789012:role/ci-*", string accounts = "123456789012")
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var r = await fx.Api.PostAsync($"/api/v1/auth/aws-auth/identities/{identityId}",
            new { stsEndpoint = _sts.Endpoint, allowedPrincipalArns = arns, allowedAccountIds = accounts, accessTokenTTL = 1800 }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["identityAwsAuth"]!.AsObject(), ConfigKeys);
        return identityId;
    }

    private Task<ApiResponse> LoginAsync(object fields) => fx.Api.PostAsync("/api/v1/auth/aws-auth/login", fields);

    [Fact]
    public async Task An_assumed_role_in_an_allowed_account_logs_in_with_its_signed_request_forwarded_intact()
    {
        var identityId = await ConfiguredAsync();
        var (key, secret) = _sts.Credentials("arn:aws:sts::123456789012:assumed-role/ci-deploy/session-1", "123456789012");
        var login = await LoginAsync(TestSts.LoginFields(identityId, key, secret, "eu-west-1"));
        Expect.Ok(login);
        Expect.Keys(login.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        Assert.Equal(1800, login.Json["expiresIn"]!.GetValue<long>());
        Assert.Equal(200, (await fx.Api.GetAsync("/api/v1/projects", login.Json["accessToken"]!.GetValue<string>())).Code);
        Assert.Equal("sts.eu-west-1.amazonaws.com", _sts.HostsSeen[^1]); // the Host the signature covers, not the endpoint's
    }

    [Fact]
    public async Task Accounts_principals_and_bad_signatures_are_refused()
    {
        var identityId = await ConfiguredAsync();
        var (otherAccount, s1) = _sts.Credentials("arn:aws:iam::999999999999:role/ci-deploy", "999999999999");
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, otherAccount, s1, "us-east-1")), 401, "UnauthorizedError",
            "Access denied: AWS account ID not allowed.");
        var (otherRole, s2) = _sts.Credentials("arn:aws:sts::123456789012:assumed-role/admin/session", "123456789012");
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, otherRole, s2, "us-east-1")), 401, "UnauthorizedError",
            "Access denied: AWS principal ARN not allowed. [principal-arn=arn:aws:iam::123456789012:role/admin]");
        var (key, _) = _sts.Credentials("arn:aws:iam::123456789012:role/ci-deploy", "123456789012");
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, key, "wrong-secret", "us-east-1")), 401, "UnauthorizedError",
            "Access denied: AWS STS did not accept the signed request (SignatureDoesNotMatch)");
    }

    [Fact]
    public async Task Only_a_GetCallerIdentity_for_STS_is_forwarded()
    {
        var identityId = await ConfiguredAsync();
        var (key, secret) = _sts.Credentials("arn:aws:iam::123456789012:role/ci-deploy", "123456789012");
        var sent = _sts.HostsSeen.Count;
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, key, secret, "us-east-1", body: "Action=AssumeRole&Version=2011-06-15&RoleArn=x")),
            400, "BadRequest", "Only a GetCallerIdentity request is forwarded to STS");
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, key, secret, "us-east-1", service: "s3")), 400, "BadRequest",
            "The signed request is not for AWS STS");
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, key, secret, "us-east-1", host: "169.254.169.254")), 400, "BadRequest",
            "The signed request is for 169.254.169.254, not AWS STS in us-east-1");
        Expect.Error(await LoginAsync(TestSts.LoginFields(identityId, key, secret, "us-east-1/../x")), 400, "BadRequest",
            "The signed request is not signed with AWS Signature Version 4");
        Assert.Equal(sent, _sts.HostsSeen.Count); // none of them reached STS
    }

    [Fact]
    public async Task The_go_sdks_header_lists_are_read_as_the_CLI_operator_and_agent_send_them()
    {
        var identityId = await ConfiguredAsync();
        var (key, secret) = _sts.Credentials("arn:aws:iam::123456789012:role/ci-runner", "123456789012");
        Expect.Ok(await LoginAsync(TestSts.LoginFields(identityId, key, secret, "ap-southeast-2", goHeaders: true)));
    }
}
