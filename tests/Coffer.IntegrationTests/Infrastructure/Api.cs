using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Small JSON-over-HTTP helper: every call returns status, parsed body and headers, never throws on 4xx/5xx.</summary>
public sealed class Api(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public Task<ApiResponse> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, null, token);

    public Task<ApiResponse> PostAsync(string path, object? body, string? token = null) => SendAsync(HttpMethod.Post, path, body, token);

    public Task<ApiResponse> PatchAsync(string path, object? body, string? token = null) => SendAsync(HttpMethod.Patch, path, body, token);

    public Task<ApiResponse> DeleteAsync(string path, string? token = null, object? body = null) => SendAsync(HttpMethod.Delete, path, body, token);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, string? token = null,
        Action<HttpRequestMessage>? customize = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            var json = body switch
            {
                string s => s,
                JsonNode n => n.ToJsonString(),
                _ => System.Text.Json.JsonSerializer.Serialize(body),
            };
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        customize?.Invoke(request);
        var response = await Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (raw.Length > 0)
        {
            try
            {
                node = JsonNode.Parse(raw);
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        return new ApiResponse(response.StatusCode, node, raw, response);
    }
}
