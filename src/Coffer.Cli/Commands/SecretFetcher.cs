using Coffer.Cli.Api;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Commands;

/// <summary>The fetch behind <c>run</c>, <c>export</c> and <c>secrets</c>: one list call per path.</summary>
internal sealed record FetchRequest(
    string ProjectId,
    string Environment,
    IReadOnlyList<string> Paths,
    bool IncludeImports,
    bool Recursive,
    bool Expand,
    string? Tags,
    bool PreferPersonal);

internal sealed record FetchResult(List<Secret> Secrets, string Fingerprint, string? ServerETag);

internal static class SecretFetcher
{
    /// <summary>
    /// Fetches every path and merges them: a later <c>--path</c> wins over an earlier one for the
    /// same name, imports never beat a folder's own secrets, then personal/shared overriding.
    /// <paramref name="ifNoneMatch"/> is sent for a single path; a 304 answer yields null.
    /// </summary>
    public static async Task<FetchResult?> FetchAsync(CofferApiClient client, FetchRequest request, string? ifNoneMatch, CancellationToken ct)
    {
        var byKeyAndType = new Dictionary<(string Key, string Type), Secret>();
        string? etag = null;
        foreach (var path in request.Paths)
        {
            var query = new SecretQuery(request.ProjectId, request.Environment, path, request.IncludeImports, request.Recursive, request.Expand, request.Tags);
            var result = await client.ListSecretsAsync(query, request.Paths.Count == 1 ? ifNoneMatch : null, ct).ConfigureAwait(false);
            if (result.NotModified)
            {
                return null;
            }

            etag = request.Paths.Count == 1 ? result.ETag : null;
            var secrets = request.IncludeImports
                ? SecretMerger.WithImports(result.Body!, path)
                : result.Body!.Secrets.Select(s => SecretMerger.FromDto(s, path)).ToList();
            foreach (var secret in secrets)
            {
                byKeyAndType[(secret.Key, secret.Type)] = secret;
            }
        }

        var merged = SecretMerger.Override(byKeyAndType.Values, request.PreferPersonal);
        return new FetchResult(merged, SecretMerger.Fingerprint(merged), etag);
    }
}
