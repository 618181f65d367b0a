using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Terraform;

/// <summary>Calls as the Terraform provider makes them: the fixture's admin token and <c>User-Agent: terraform</c>.</summary>
public sealed class TerraformCalls(ServerFixture fx)
{
    public Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null) =>
        fx.Api.SendAsync(method, path, body, fx.AdminToken, m => m.Headers.UserAgent.ParseAdd("terraform"));

    /// <summary>The answer's JSON, after checking it is a 200.</summary>
    public static async Task<JsonObject> OkAsync(Task<ApiResponse> call)
    {
        var r = await call;
        Expect.Ok(r);
        return r.Json;
    }
}
