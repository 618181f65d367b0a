using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

public sealed class UserSessionTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private async Task<string> SignInAsync()
    {
        var login = await Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword });
        Expect.Ok(login);
        Expect.Keys(login.Json, "accessToken");
        var select = await Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId }, login.Json["accessToken"]!.GetValue<string>());
        Expect.Ok(select);
        Expect.Keys(select.Json, "token", "isMfaEnabled");
        return select.Json["token"]!.GetValue<string>();
    }

    [Fact]
    public async Task Admin_user_signs_in_selects_the_org_and_works_as_a_user()
    {
        var token = await SignInAsync();
        var claims = Foundation.BootstrapTests.JwtPayload(token);
        Assert.Equal("accessToken", claims["authTokenType"]!.GetValue<string>());
        Assert.Equal(fx.OrgId, claims["organizationId"]!.GetValue<string>());

        var project = await Api.PostAsync("/api/v1/projects", new { projectName = "users-project" }, token);
        Expect.Ok(project);
        var projectId = project.Json["project"]!["id"]!.GetValue<string>();
        var list = await Api.GetAsync("/api/v1/projects", token);
        Assert.Contains(projectId, list.RawBody);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token));

        var audit = await Rows.QueryAsync<string>(fx.Server, "SELECT actor_type FROM audit_logs WHERE project_id = @projectId AND event_type = 'create-project'", new { projectId });
        Assert.Equal("user", Assert.Single(audit));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_are_the_same_401()
    {
        Expect.Error(await Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = "nope" }), 401, "UnauthorizedError", "Invalid credentials");
        Expect.Error(await Api.PostAsync("/api/v3/auth/login", new { email = "nobody@example.com", password = "nope" }), 401, "UnauthorizedError", "Invalid credentials");
        Expect.Validation(await Api.PostAsync("/api/v3/auth/login", new { email = "x" }), Issue.Required(["password"], "string"));
    }

    [Fact]
    public async Task Token_without_an_organization_only_reaches_the_sign_in_routes()
    {
        var login = await Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword });
        var orgless = login.Json["accessToken"]!.GetValue<string>();
        Expect.Ok(await Api.PostAsync("/api/v1/auth/checkAuth", null, orgless));
        Expect.Error(await Api.GetAsync("/api/v1/projects", orgless), 401, "/api/v1/projects Unauthorized Access, no organization found in request",
            "You are not allowed to access this resource");
        Expect.Error(await Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = Guid.NewGuid().ToString() }, orgless), 403, "ForbiddenError",
            "User does not belong to the organization");
    }

    [Fact]
    public async Task Logout_ends_the_session_on_the_next_request()
    {
        var token = await SignInAsync();
        Expect.Ok(await Api.GetAsync("/api/v1/projects", token));
        var logout = await Api.PostAsync("/api/v1/auth/logout", null, token);
        Expect.Ok(logout);
        Assert.Equal("Successfully logged out", logout.Json["message"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync("/api/v1/projects", token), 401, "TokenError", "Session not found");
        Expect.Error(await Api.PostAsync("/api/v1/auth/checkAuth", null), 401, "UnauthorizedError", "Token missing");
    }

    [Fact]
    public async Task Identity_tokens_cannot_log_out()
    {
        Expect.Error(await Api.PostAsync("/api/v1/auth/logout", null, fx.AdminToken), 403, "Forbidden access to /api/v1/auth/logout",
            "You are not allowed to access this resource");
    }
}
