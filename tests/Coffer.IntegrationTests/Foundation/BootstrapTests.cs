using System.Text;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Foundation;

public sealed class BootstrapTests
{
    [Fact]
    public async Task Bootstrap_returns_user_org_and_a_working_never_expiring_admin_token()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Api(server.Http);
        var r = await api.PostAsync("/api/v1/admin/bootstrap", new { email = " Admin@Example.com ", password = "a password of 14+", organization = "Acme Corp" });
        Expect.Ok(r);
        Expect.Keys(r.Json, "message", "user", "organization", "identity");
        Assert.Equal("Successfully bootstrapped instance", r.Json["message"]!.GetValue<string>());
        Expect.Keys(r.Json["user"]!.AsObject(), "username", "firstName", "lastName", "email", "id", "superAdmin");
        Assert.Equal("admin@example.com", r.Json["user"]!["username"]!.GetValue<string>());
        Assert.Equal("Admin", r.Json["user"]!["firstName"]!.GetValue<string>());
        Assert.Equal("User", r.Json["user"]!["lastName"]!.GetValue<string>());
        Assert.True(r.Json["user"]!["superAdmin"]!.GetValue<bool>());
        Expect.Keys(r.Json["organization"]!.AsObject(), "id", "name", "slug");
        Assert.Equal("Acme Corp", r.Json["organization"]!["name"]!.GetValue<string>());
        Assert.Matches("^acme-corp-[a-z0-9]{4}$", r.Json["organization"]!["slug"]!.GetValue<string>());
        Expect.Keys(r.Json["identity"]!.AsObject(), "id", "name", "credentials");
        Assert.Equal("Instance Admin Identity", r.Json["identity"]!["name"]!.GetValue<string>());

        var token = r.Json["identity"]!["credentials"]!["token"]!.GetValue<string>();
        var payload = JwtPayload(token);
        Assert.False(payload.ContainsKey("exp"));
        Assert.Equal("identityAccessToken", payload["authTokenType"]!.GetValue<string>());
        Assert.Equal(r.Json["identity"]!["id"]!.GetValue<string>(), payload["identityId"]!.GetValue<string>());

        // Far in the future the token still works: it never expires.
        server.Clock.Advance(TimeSpan.FromDays(3650));
        var list = await api.GetAsync($"/api/v1/identities?orgId={r.Json["organization"]!["id"]}", token);
        Expect.Ok(list);
        Assert.Equal(1, list.Json["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Second_bootstrap_is_rejected()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Api(server.Http);
        Expect.Ok(await api.PostAsync("/api/v1/admin/bootstrap", new { email = "a@example.com", password = "fourteen chars", organization = "A" }));
        var again = await api.PostAsync("/api/v1/admin/bootstrap", new { email = "b@example.com", password = "fourteen chars", organization = "B" });
        Expect.Error(again, 400, "BadRequest", "Instance has already been set up");
    }

    [Fact]
    public async Task Concurrent_bootstraps_set_up_exactly_once()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Api(server.Http);
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            api.PostAsync("/api/v1/admin/bootstrap", new { email = $"a{i}@example.com", password = "fourteen chars", organization = "A" })));
        Assert.Equal(1, results.Count(r => r.Code == 200));
        Assert.All(results.Where(r => r.Code != 200), r => Expect.Error(r, 400, "BadRequest", "Instance has already been set up"));
    }

    [Fact]
    public async Task Bootstrap_validates_its_body()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Api(server.Http);
        // Passwords are taken as typed (decision 20): " " is one character, not an empty string, and 14 is the minimum.
        var r = await api.PostAsync("/api/v1/admin/bootstrap", new { email = "not-an-email", password = " ", organization = 5 });
        Expect.Validation(r,
            Issue.TooSmall(["password"], "string", 14, "String must contain at least 14 character(s)"),
            Issue.WrongType(["organization"], "string", "number"),
            Issue.InvalidEmail(["email"]));
        // Nothing was set up by the rejected call.
        Expect.Ok(await api.PostAsync("/api/v1/admin/bootstrap", new { email = "a@example.com", password = "fourteen chars", organization = "A" }));
    }

    [Fact]
    public async Task Passwords_are_not_trimmed_and_need_14_characters()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Api(server.Http);
        var shortOne = await api.PostAsync("/api/v1/admin/bootstrap", new { email = "a@example.com", password = "thirteen-char", organization = "A" });
        Expect.Validation(shortOne, Issue.TooSmall(["password"], "string", 14, "String must contain at least 14 character(s)"));
        // Thirteen characters padded with spaces is fourteen characters, as typed.
        Expect.Ok(await api.PostAsync("/api/v1/admin/bootstrap", new { email = "a@example.com", password = " thirteen-char", organization = "A" }));
        Expect.Error(await api.PostAsync("/api/v3/auth/login", new { email = "a@example.com", password = "thirteen-char" }), 401, "UnauthorizedError",
            "Invalid credentials");
        Expect.Ok(await api.PostAsync("/api/v3/auth/login", new { email = "a@example.com", password = " thirteen-char" }));
    }

    [Fact]
    public async Task Database_holds_no_plaintext_password_or_token()
    {
        await using var server = await TestServer.StartAsync();
        var given = await Given.BootstrapAsync(server);
        var (clientId, secret) = await given.UniversalAuthAsync(await given.IdentityAsync());
        var token = await given.LoginAsync(clientId, secret);
        await DatabaseBytes.AssertAbsentAsync(server, Given.AdminPassword, secret, token, given.AdminToken);
    }

    internal static System.Text.Json.Nodes.JsonObject JwtPayload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part)))!.AsObject();
    }
}
