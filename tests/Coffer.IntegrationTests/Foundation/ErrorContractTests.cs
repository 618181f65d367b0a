using System.Net.Http.Headers;
using System.Text;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Foundation;

public sealed class ErrorContractTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Status_answers_without_auth_with_infisical_fields()
    {
        var r = await fx.Api.GetAsync("/api/status");
        Expect.Ok(r);
        Expect.Keys(r.Json, "date", "message", "emailConfigured", "inviteOnlySignup", "redisConfigured", "secretScanningConfigured",
            "auditLogStorageDisabled");
        Assert.Equal("Ok", r.Json["message"]!.GetValue<string>());
        Assert.Matches(Expect.IsoMillis(), r.Json["date"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_api_route_gets_infisical_not_found_body()
    {
        var r = await fx.Api.GetAsync("/api/v1/this-route-does-not-exist?x=1");
        Assert.Equal(404, r.Code);
        Expect.Keys(r.Json, "reqId", "statusCode", "error", "message", "docs");
        Assert.Equal("Not Found", r.Json["error"]!.GetValue<string>());
        Assert.Equal("/api/docs/json", r.Json["docs"]!.GetValue<string>());
        Assert.StartsWith("Route GET:/api/v1/this-route-does-not-exist not found.", r.Json["message"]!.GetValue<string>());
        Assert.Contains("/api/docs/json", r.Json["message"]!.GetValue<string>());
        Assert.Equal(r.Json["reqId"]!.GetValue<string>(), r.Header("X-Request-Id"));
    }

    [Fact]
    public async Task Wrong_method_on_known_path_is_route_not_found()
    {
        var r = await fx.Api.SendAsync(HttpMethod.Put, "/api/v1/identities", new { });
        Assert.Equal(404, r.Code);
        Assert.StartsWith("Route PUT:/api/v1/identities not found.", r.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_token_is_401_token_missing()
    {
        var r = await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}");
        Expect.Error(r, 401, "UnauthorizedError", "Token missing");
    }

    [Fact]
    public async Task Garbage_token_is_401_token_error()
    {
        var r = await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", "not-a-jwt");
        Expect.Error(r, 401, "TokenError",
            "The provided access token is malformed. Please use a valid token or generate a new one and try again.");
    }

    [Fact]
    public async Task Empty_bearer_is_jwt_must_be_provided()
    {
        var r = await fx.Api.SendAsync(HttpMethod.Get, $"/api/v1/identities?orgId={fx.OrgId}", null,
            customize: m => m.Headers.TryAddWithoutValidation("Authorization", "Bearer "));
        Expect.Error(r, 401, "TokenError", "jwt must be provided");
    }

    [Fact]
    public async Task Token_signed_with_another_secret_is_invalid_signature()
    {
        var parts = fx.AdminToken.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}";
        var r = await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", forged);
        Expect.Error(r, 401, "TokenError", "invalid signature");
    }

    [Fact]
    public async Task Api_key_header_is_rejected_with_400()
    {
        var r = await fx.Api.SendAsync(HttpMethod.Get, $"/api/v1/identities?orgId={fx.OrgId}", null,
            customize: m => m.Headers.Add("x-api-key", "abc"));
        Expect.Error(r, 400, "BadRequest", "API key authentication is not supported anymore. Please switch to identity authentication.");
    }

    [Fact]
    public async Task Malformed_json_is_400_not_500()
    {
        var r = await fx.Api.PostAsync("/api/v1/identities", "{\"name\": ", fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Body is not valid JSON but content-type is set to 'application/json'");
    }

    [Fact]
    public async Task Empty_json_body_is_400()
    {
        var r = await fx.Api.SendAsync(HttpMethod.Post, "/api/v1/identities", null, fx.AdminToken,
            m => m.Content = new StringContent("", Encoding.UTF8, "application/json"));
        Expect.Error(r, 400, "BadRequest", "Body cannot be empty when content-type is set to 'application/json'");
    }

    [Fact]
    public async Task Duplicate_keys_are_malformed_json()
    {
        var r = await fx.Api.PostAsync("/api/v1/identities", "{\"name\":\"a\",\"name\":\"b\"}", fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Body is not valid JSON but content-type is set to 'application/json'");
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        var r = await fx.Api.SendAsync(HttpMethod.Post, "/api/v1/identities", null, fx.AdminToken,
            m => m.Content = new StringContent("name=x", Encoding.UTF8, "text/plain"));
        Expect.Error(r, 415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", "Unsupported Media Type: text/plain; charset=utf-8");
    }

    [Fact]
    public async Task Missing_body_on_a_body_route_is_422_required_at_root()
    {
        var r = await fx.Api.PostAsync("/api/v1/identities", null, fx.AdminToken);
        Expect.Validation(r, Issue.Required([], "object"));
    }

    [Fact]
    public async Task Bad_token_wins_over_bad_body()
    {
        var r = await fx.Api.PostAsync("/api/v1/identities", "{not json", "garbage");
        Assert.Equal(401, r.Code);
    }

    [Fact]
    public async Task Trailing_slash_is_ignored()
    {
        var r = await fx.Api.GetAsync("/api/status/");
        Expect.Ok(r);
    }

    [Fact]
    public async Task Openapi_document_is_served()
    {
        var r = await fx.Api.GetAsync("/api/docs/json");
        Expect.Ok(r);
        Assert.StartsWith("3.", r.Json["openapi"]!.GetValue<string>());
        Assert.NotEmpty(r.Json["paths"]!.AsObject());
        Assert.Equal("bearer", r.Json["components"]!["securitySchemes"]!["bearerAuth"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_response_carries_a_request_id()
    {
        var r = await fx.Api.GetAsync("/api/status");
        Assert.Matches("^req-[A-Za-z0-9]{14}$", r.Header("X-Request-Id")!);
    }
}

public sealed class NulCharacterTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_nul_character_is_refused_alike_on_every_engine_except_inside_encrypted_values()
    {
        Expect.Error(await fx.Api.GetAsync($"/api/v1/organization/audit-logs?actor=a%00b", fx.AdminToken), 400, "BadRequest",
            "Text values cannot contain the NUL character (\\u0000)");
        Expect.Validation(await fx.Api.PostAsync("/api/v1/identities", new { name = "a\u0000b", organizationId = fx.OrgId }, fx.AdminToken),
            Issue.Custom(["name"], "Text values cannot contain the NUL character (\\u0000)"));

        var projectId = await fx.Given.ProjectAsync();
        Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/BINARYISH", new { workspaceId = projectId, environment = "dev", secretValue = "a\u0000b", secretComment = "c\u0000d" }, fx.AdminToken));
        var read = await fx.Api.GetAsync($"/api/v3/secrets/raw/BINARYISH?workspaceId={projectId}&environment=dev", fx.AdminToken);
        Expect.Ok(read);
        Assert.Equal("a\u0000b", read.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal("c\u0000d", read.Json["secret"]!["secretComment"]!.GetValue<string>());
    }
}

public sealed class NumberEdgeTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Infinite_and_oversized_numbers_are_validation_failures()
    {
        Expect.Validation(await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}&offset=1e309", fx.AdminToken),
            new System.Text.Json.Nodes.JsonObject { ["code"] = "not_finite", ["path"] = new System.Text.Json.Nodes.JsonArray("offset"), ["message"] = "Number must be finite" });
        Expect.Validation(await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}&offset=1e300", fx.AdminToken),
            Issue.TooBig(["offset"], "number", 9_007_199_254_740_991, "Number must be less than or equal to 9007199254740991"));
    }
}
