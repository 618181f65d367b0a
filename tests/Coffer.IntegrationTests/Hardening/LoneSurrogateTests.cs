using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Hardening;

/// <summary>
/// Issue 29, item 3: a lone UTF-16 surrogate anywhere in a JSON body — a value or an object key, escaped as <c>\ud800</c>
/// or <c>\udc00</c> — is a 422 with the validation envelope on every route, before anything is written.
/// </summary>
public sealed class LoneSurrogateTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] Stateful = ["auth_lockouts", "rate_limit_counters", "rate_limits"];

    public const string Message = "Text values cannot contain unpaired UTF-16 surrogates";

    [Fact]
    public async Task A_lone_surrogate_in_any_json_string_is_a_422_before_anything_is_written()
    {
        var project = await fx.Given.ProjectAsync();
        var identity = await fx.Given.IdentityAsync();
        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        foreach (var surrogate in new[] { "\\ud800", "\\udc00", "a\\udbffb", "\\udc00\\ud800" })
        {
            var cases = new (string Method, string Path, string Body, object[] Where, bool Auth)[]
            {
                ("POST", "/api/v1/auth/universal-auth/login", $$"""{"clientId":"{{surrogate}}","clientSecret":"x"}""", ["clientId"], false),
                ("POST", "/api/v1/admin/bootstrap", $$"""{"email":"a@b.c","password":"{{surrogate}}","organization":"o"}""", ["password"], false),
                ("POST", "/api/v1/auth/token/renew", $$"""{"accessToken":"{{surrogate}}"}""", ["accessToken"], false),
                ("POST", "/api/v3/auth/login", $$"""{"email":"{{surrogate}}","password":"p"}""", ["email"], false),
                ("POST", "/api/v1/identities", $$"""{"name":"{{surrogate}}","organizationId":"{{fx.OrgId}}"}""", ["name"], true),
                ("PATCH", $"/api/v1/identities/{identity}", $$"""{"metadata":[{"key":"k","value":"{{surrogate}}"}]}""", ["metadata", 0, "value"], true),
                ("POST", "/api/v4/secrets/KEY", $$"""{"projectId":"{{project}}","environment":"dev","secretValue":"{{surrogate}}"}""", ["secretValue"], true),
                ("POST", "/api/v4/secrets/KEY", $$"""{"projectId":"{{project}}","environment":"dev","secretValue":"v","{{surrogate}}":1}""", [surrogate], true),
            };
            foreach (var (method, path, body, where, auth) in cases)
            {
                var r = await fx.Api.SendAsync(new HttpMethod(method), path, body, auth ? fx.AdminToken : null);
                Assert.True(r.Code == 422, $"{method} {path} with {surrogate}: expected 422 but got {r}");
                Expect.Keys(r.Json, "reqId", "statusCode", "message", "error");
                Assert.Equal("ValidationFailure", r.Json["error"]!.GetValue<string>());
                var issue = Assert.Single(r.Json["message"]!.AsArray())!;
                Assert.Equal("custom", issue["code"]!.GetValue<string>());
                Assert.Equal(Message, issue["message"]!.GetValue<string>());
                if (where[0] is string key && key.StartsWith('\\')) continue; // an object key: the path names it, unprintably
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(where), issue["path"]!.ToJsonString());
            }
        }
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused body changed the database");

        // A well-formed pair is text like any other.
        Expect.Ok(await fx.Api.SendAsync(HttpMethod.Post, "/api/v4/secrets/EMOJI",
            $$"""{"projectId":"{{project}}","environment":"dev","secretValue":"\ud83d\ude00"}""", fx.AdminToken));
    }
}
