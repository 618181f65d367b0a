using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// Legacy service tokens (<c>st.…</c>) are not served: whatever route a client sends one to, and whatever token reaches
/// the service-token routes, the answer says so plainly instead of "not found" or a signature error.
/// </summary>
public sealed class ServiceTokenTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Message =
        "Service tokens are not supported by this server. Please switch to machine identity authentication (universal auth or token auth).";

    private Task<ApiResponse> CliAsync(HttpMethod method, string path, object? body, string token) =>
        fx.Api.SendAsync(method, path, body, token, m => m.Headers.UserAgent.ParseAdd("cli"));

    [Fact]
    public async Task A_service_token_is_refused_with_a_clear_message_on_every_route()
    {
        var projectId = await fx.Given.ProjectAsync();
        const string serviceToken = "st.6598a4cb3a7ba7f0e6d8a4f1.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210";
        // `infisical run --token st.…` first asks who the token is, then reads.
        Expect.Error(await CliAsync(HttpMethod.Get, "/api/v2/service-token", null, serviceToken), 401, "UnauthorizedError", Message);
        Expect.Error(await CliAsync(HttpMethod.Get, $"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&secretPath=%2F", null, serviceToken),
            401, "UnauthorizedError", Message);
        Expect.Error(await CliAsync(HttpMethod.Get, $"/api/v4/secrets?projectId={projectId}&environment=dev", null, serviceToken),
            401, "UnauthorizedError", Message);
    }

    [Fact]
    public async Task The_service_token_routes_refuse_every_caller()
    {
        Expect.Error(await CliAsync(HttpMethod.Get, "/api/v2/service-token", null, fx.AdminToken), 401, "UnauthorizedError", Message);
        Expect.Error(await CliAsync(HttpMethod.Post, "/api/v2/service-token/",
            new { name = "ci", workspaceId = "x", scopes = new[] { new { environment = "dev", secretPath = "/" } }, expiresIn = 3600 }, fx.AdminToken),
            401, "UnauthorizedError", Message);
        Expect.Error(await fx.Api.GetAsync("/api/v2/service-token"), 401, "UnauthorizedError", "Token missing");
    }
}
