using System.Text;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// The error answers of the proof-based auth methods' configuration and login routes, each with its exact body:
/// attaching twice, reading, changing or removing a method the identity does not have, configuration the method
/// cannot use, and login requests malformed in each way Coffer checks before anything leaves the server.
/// </summary>
public sealed class AuthMethodErrorTests(InternalConnectionsServer fx, TestLdap ldap) : IClassFixture<InternalConnectionsServer>, IClassFixture<TestLdap>
{
    private static readonly string JwtKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)
        .ExportSubjectPublicKeyInfoPem();

    private object AttachBody(string method) => method switch
    {
        "jwt-auth" => new { configurationType = "static", publicKeys = new[] { JwtKey }, boundClaims = new { } },
        "oidc-auth" => new { oidcDiscoveryUrl = "https://127.0.0.1:9/oidc", boundIssuer = "https://127.0.0.1:9/oidc", boundClaims = new { } },
        "kubernetes-auth" => new { kubernetesHost = "https://127.0.0.1:9" },
        "aws-auth" => new { allowedAccountIds = "123456789012" },
        _ => new { url = ldap.Url, bindDN = TestLdap.ReaderDn, bindPass = TestLdap.Password, searchBase = TestLdap.SearchBase },
    };

    [Theory]
    [InlineData("jwt-auth", "JWT")]
    [InlineData("oidc-auth", "OIDC")]
    [InlineData("kubernetes-auth", "Kubernetes")]
    [InlineData("aws-auth", "AWS")]
    [InlineData("ldap-auth", "LDAP")]
    public async Task Attaching_twice_is_refused(string method, string name)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/{method}/identities/{identityId}";
        Expect.Ok(await fx.Api.PostAsync(path, AttachBody(method), fx.AdminToken));
        var before = await DbSnapshot.TakeAsync(fx.Server);
        Expect.Error(await fx.Api.PostAsync(path, AttachBody(method), fx.AdminToken), 400, "BadRequest", $"Failed to add {name} Auth to already configured identity");
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
    }

    [Theory]
    [InlineData("jwt-auth", "Failed to update JWT Auth", "The identity does not have JWT Auth attached", "The identity does not have JWT auth")]
    [InlineData("oidc-auth", "Failed to update OIDC Auth", "The identity does not have OIDC Auth attached", "The identity does not have OIDC auth")]
    [InlineData("kubernetes-auth", "Failed to update Kubernetes Auth", "The identity does not have Kubernetes Auth attached",
        "The identity does not have kubernetes auth")]
    [InlineData("aws-auth", "Failed to update AWS Auth", "The identity does not have AWS Auth attached", "The identity does not have aws auth")]
    public async Task A_method_the_identity_does_not_have_cannot_be_changed_read_or_removed(string method, string update, string read, string revoke)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/{method}/identities/{identityId}";
        // JWT auth's update names its configuration type, as Infisical's schema requires.
        object change = method == "jwt-auth" ? new { configurationType = "static", publicKeys = new[] { JwtKey } } : new { accessTokenTTL = 60 };
        Expect.Error(await fx.Api.PatchAsync(path, change, fx.AdminToken), 400, "BadRequest", update);
        Expect.Error(await fx.Api.GetAsync(path, fx.AdminToken), 400, "BadRequest", read);
        Expect.Error(await fx.Api.DeleteAsync(path, fx.AdminToken), 400, "BadRequest", revoke);
    }

    [Fact]
    public async Task An_LDAP_method_the_identity_does_not_have_cannot_be_changed_read_removed_or_cleared()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/ldap-auth/identities/{identityId}";
        Expect.Error(await fx.Api.PatchAsync(path, new { accessTokenTTL = 60 }, fx.AdminToken), 404, "NotFound", "The identity does not have LDAP Auth attached");
        Expect.Error(await fx.Api.GetAsync(path, fx.AdminToken), 400, "BadRequest", "The identity does not have LDAP Auth attached");
        Expect.Error(await fx.Api.DeleteAsync(path, fx.AdminToken), 400, "BadRequest", "The identity does not have LDAP Auth attached");
        Expect.Error(await fx.Api.PostAsync($"{path}/clear-lockouts", null, fx.AdminToken), 400, "BadRequest", "The identity does not have LDAP Auth attached");
    }

    [Fact]
    public async Task LDAP_attach_needs_the_bind_details_and_checks_the_certificate()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/ldap-auth/identities/{identityId}";
        Expect.Error(await fx.Api.PostAsync(path, new { url = ldap.Url, bindDN = "", bindPass = TestLdap.Password, searchBase = TestLdap.SearchBase }, fx.AdminToken),
            400, "BadRequest", "Invalid request. Missing bind DN, bind pass, search base, or URL.");
        Expect.Validation(await fx.Api.PostAsync(path, new { url = ldap.Url, bindDN = TestLdap.ReaderDn, searchBase = TestLdap.SearchBase }, fx.AdminToken),
            Issue.Required(["bindPass"], "string"));
        Expect.Error(await fx.Api.PostAsync(path, new
        {
            url = ldap.Url.Replace("ldap://", "ldaps://", StringComparison.Ordinal),
            bindDN = TestLdap.ReaderDn,
            bindPass = TestLdap.Password,
            searchBase = TestLdap.SearchBase,
            ldapCaCertificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        }, fx.AdminToken), 400, "BadRequest", "Invalid CA Certificate. Expected a PEM-encoded X.509 certificate.");
        Expect.Validation(await fx.Api.PostAsync(path, new
        {
            url = ldap.Url,
            bindDN = TestLdap.ReaderDn,
            bindPass = TestLdap.Password,
            searchBase = TestLdap.SearchBase,
            accessTokenTTL = 100,
            accessTokenMaxTTL = 50,
        }, fx.AdminToken), Issue.Custom([], "Access Token TTL cannot be greater than Access Token Max TTL."));
    }

    [Fact]
    public async Task Kubernetes_configuration_Coffer_cannot_use_is_refused()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/kubernetes-auth/identities/{identityId}";
        Expect.Validation(await fx.Api.PostAsync(path, new { kubernetesHost = "https://[not-a-host" }, fx.AdminToken),
            Issue.Custom(["kubernetesHost"], "Invalid Kubernetes host"));
        Expect.Validation(await fx.Api.PostAsync(path, new { kubernetesHost = "https://127.0.0.1:9", tokenReviewMode = "gateway" }, fx.AdminToken),
            Issue.Custom(["tokenReviewMode"], "Coffer has no gateways; use tokenReviewMode 'api' with the cluster's kubernetesHost"));
        Expect.Validation(await fx.Api.PostAsync(path, new { kubernetesHost = "https://127.0.0.1:9", gatewayId = Guid.NewGuid().ToString() }, fx.AdminToken),
            Issue.Custom(["gatewayId"], "Coffer has no gateways"));
    }

    [Fact]
    public async Task AWS_account_ids_must_be_twelve_digits()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Validation(await fx.Api.PostAsync($"/api/v1/auth/aws-auth/identities/{identityId}", new { allowedAccountIds = "123456789012, 12345" }, fx.AdminToken),
            Issue.Custom(["allowedAccountIds"], "Each AWS account ID must be 12 digits"));
    }

    [Fact]
    public async Task JWT_configuration_must_match_its_type()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/jwt-auth/identities/{identityId}";
        Expect.Validation(await fx.Api.PostAsync(path, new { configurationType = "jwks", boundClaims = new { } }, fx.AdminToken),
            Issue.Required(["jwksUrl"], "string"));
        Expect.Validation(await fx.Api.PostAsync(path, new { configurationType = "jwks", jwksUrl = "not a url", boundClaims = new { } }, fx.AdminToken),
            new JsonObject { ["validation"] = "url", ["code"] = "invalid_string", ["message"] = "Invalid url", ["path"] = new JsonArray("jwksUrl") });
    }

    /// <summary>An AWS login whose headers are exactly <paramref name="headers"/>, nothing signed for real: every refusal below comes before any call.</summary>
    private static JsonObject AwsLogin(string identityId, JsonObject headers, string method = "POST") => new()
    {
        ["identityId"] = identityId,
        ["iamHttpRequestMethod"] = method,
        ["iamRequestBody"] = Convert.ToBase64String("Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray()),
        ["iamRequestHeaders"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(headers.ToJsonString())),
    };

    private const string Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261206/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

    [Fact]
    public async Task Malformed_AWS_logins_are_refused_before_anything_is_sent()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/aws-auth/identities/{identityId}", new { allowedAccountIds = "123456789012" }, fx.AdminToken));
        const string Path = "/api/v1/auth/aws-auth/login";
        var host = "sts.us-east-1.amazonaws.com";

        Expect.Error(await fx.Api.PostAsync(Path, AwsLogin(identityId, new JsonObject { ["Authorization"] = Authorization })), 400, "BadRequest",
            "The signed request has no Host header");
        Expect.Error(await fx.Api.PostAsync(Path, AwsLogin(identityId, new JsonObject { ["Host"] = host })), 400, "BadRequest",
            "The signed request has no Authorization header");
        Expect.Error(await fx.Api.PostAsync(Path, AwsLogin(identityId, new JsonObject
        {
            ["Host"] = host,
            ["Authorization"] = Authorization.Replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date", StringComparison.Ordinal),
        })), 400, "BadRequest", "The signed request's signature does not cover its Host header");
        Expect.Error(await fx.Api.PostAsync(Path, AwsLogin(identityId, new JsonObject { ["Host"] = host, ["Authorization"] = Authorization }, method: "GET")),
            400, "BadRequest", "Only a POST GetCallerIdentity request is forwarded to STS");

        var notBase64 = AwsLogin(identityId, new JsonObject { ["Host"] = host, ["Authorization"] = Authorization });
        notBase64["iamRequestHeaders"] = "%%%";
        Expect.Error(await fx.Api.PostAsync(Path, notBase64), 400, "BadRequest", "iamRequestHeaders is not base64");
        var notHeaders = AwsLogin(identityId, new JsonObject());
        notHeaders["iamRequestHeaders"] = Convert.ToBase64String("[1,2]"u8.ToArray());
        Expect.Error(await fx.Api.PostAsync(Path, notHeaders), 400, "BadRequest", "iamRequestHeaders is not a base64 JSON object of headers");
        var bodyNotBase64 = AwsLogin(identityId, new JsonObject { ["Host"] = host, ["Authorization"] = Authorization });
        bodyNotBase64["iamRequestBody"] = "Action=GetCallerIdentity";
        Expect.Error(await fx.Api.PostAsync(Path, bodyNotBase64), 400, "BadRequest", "iamRequestBody is not base64");
    }
}
