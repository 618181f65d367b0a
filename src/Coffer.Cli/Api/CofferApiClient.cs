using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Coffer.Cli.Api;

/// <summary>What to list: the query of GET /api/v3/secrets/raw as Infisical's CLI builds it.</summary>
internal sealed record SecretQuery(
    string WorkspaceId,
    string Environment,
    string SecretPath,
    bool IncludeImports,
    bool Recursive,
    bool ExpandSecretReferences,
    string? TagSlugs);

internal sealed record SecretListResult(ListSecretsResponse? Body, string? ETag, bool NotModified);

/// <summary>
/// The public API calls the CLI makes, with the exact paths and fields of Infisical's Go CLI
/// (packages/api/api.go), so that a server that satisfies Infisical's CLI satisfies this one.
/// </summary>
internal sealed class CofferApiClient(ApiTransport transport, string? accessToken)
{
    static ApiJsonContext Json => ApiJsonContext.Default;

    public Uri ApiBase => transport.ApiBase;

    // The trailing slash is what Infisical's CLI sends; Coffer ignores trailing slashes.
    public Task<AccessTokenResponse> LoginUniversalAuthAsync(string clientId, string clientSecret, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, "v1/auth/universal-auth/login/", new UniversalAuthLoginRequest(clientId, clientSecret), Json.UniversalAuthLoginRequest, Json.AccessTokenResponse, ct);

    public Task<AccessTokenResponse> RenewAsync(string token, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, "v1/auth/token/renew", new RenewTokenRequest(token), Json.RenewTokenRequest, Json.AccessTokenResponse, ct);

    public async Task<SecretListResult> ListSecretsAsync(SecretQuery query, string? ifNoneMatch, CancellationToken ct)
    {
        var qs = new List<KeyValuePair<string, string>>
        {
            new("workspaceId", query.WorkspaceId),
            new("environment", query.Environment),
            new("secretPath", query.SecretPath),
        };
        if (!string.IsNullOrEmpty(query.TagSlugs))
        {
            qs.Add(new("tagSlugs", query.TagSlugs));
        }

        // Infisical's CLI only sends these flags when they are true.
        if (query.IncludeImports)
        {
            qs.Add(new("include_imports", "true"));
        }

        if (query.Recursive)
        {
            qs.Add(new("recursive", "true"));
        }

        if (query.ExpandSecretReferences)
        {
            qs.Add(new("expandSecretReferences", "true"));
        }

        using var response = await transport.SendAsync(() =>
        {
            var request = Request(HttpMethod.Get, "v3/secrets/raw" + QueryString(qs));
            if (!string.IsNullOrEmpty(ifNoneMatch))
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            }

            return request;
        }, ct).ConfigureAwait(false);

        var etag = response.Headers.ETag?.ToString()
            ?? (response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new SecretListResult(null, etag ?? ifNoneMatch, NotModified: true);
        }

        var body = await response.Content.ReadFromJsonAsync(Json.ListSecretsResponse, ct).ConfigureAwait(false)
            ?? new ListSecretsResponse();
        return new SecretListResult(body, etag, NotModified: false);
    }

    public Task CreateSecretAsync(string name, SecretWriteRequest body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, SecretPath(name), body, Json.SecretWriteRequest, ct);

    public Task UpdateSecretAsync(string name, SecretWriteRequest body, CancellationToken ct) =>
        SendAsync(HttpMethod.Patch, SecretPath(name), body, Json.SecretWriteRequest, ct);

    // DELETE with a JSON body, as both the SDK and the CLI send it.
    public Task DeleteSecretAsync(string name, SecretWriteRequest body, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, SecretPath(name), body, Json.SecretWriteRequest, ct);

    public async Task<IReadOnlyList<FolderDto>> ListFoldersAsync(string workspaceId, string environment, string path, CancellationToken ct)
    {
        // `directory` is what Infisical's CLI sends; `path` is the current name. Unknown keys are ignored.
        var qs = QueryString([new("workspaceId", workspaceId), new("environment", environment), new("path", path), new("directory", path)]);
        using var response = await transport.SendAsync(() => Request(HttpMethod.Get, "v1/folders" + qs), ct).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync(Json.ListFoldersResponse, ct).ConfigureAwait(false);
        return body?.Folders ?? [];
    }

    public async Task<FolderDto?> CreateFolderAsync(CreateFolderRequest body, CancellationToken ct)
    {
        using var response = await transport.SendAsync(() => Request(HttpMethod.Post, "v1/folders", body, Json.CreateFolderRequest), ct).ConfigureAwait(false);
        var folder = await response.Content.ReadFromJsonAsync(Json.FolderResponse, ct).ConfigureAwait(false);
        return folder?.Folder;
    }

    public Task DeleteFolderAsync(string name, DeleteFolderRequest body, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "v1/folders/" + Uri.EscapeDataString(name), body, Json.DeleteFolderRequest, ct);

    static string SecretPath(string name) => "v3/secrets/raw/" + Uri.EscapeDataString(name);

    async Task<TResponse> SendJsonAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, CancellationToken ct)
    {
        using var response = await transport.SendAsync(() => Request(method, path, body, requestInfo), ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(responseInfo, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The server sent an empty answer to {method} {path}");
    }

    async Task SendAsync<TRequest>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestInfo, CancellationToken ct)
    {
        using var response = await transport.SendAsync(() => Request(method, path, body, requestInfo), ct).ConfigureAwait(false);
    }

    HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, new Uri(relative, UriKind.Relative));
        if (!string.IsNullOrEmpty(accessToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return request;
    }

    HttpRequestMessage Request<T>(HttpMethod method, string relative, T body, JsonTypeInfo<T> info)
    {
        var request = Request(method, relative);
        // Buffered with a Content-Length rather than streamed chunked: some proxies drop chunked
        // bodies on DELETE, and the bodies are small.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, info));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return request;
    }

    static string QueryString(IEnumerable<KeyValuePair<string, string>> pairs) =>
        "?" + string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}
