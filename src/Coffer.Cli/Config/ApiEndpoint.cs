namespace Coffer.Cli.Config;

/// <summary>
/// Where the server is. Precedence as in Infisical's CLI (cmd/root.go resolveDomain):
/// <c>--domain</c> &gt; <c>INFISICAL_DOMAIN</c> &gt; <c>INFISICAL_API_URL</c> &gt; <c>domain</c> in
/// .infisical.json &gt; default. The CLI then appends <c>/api</c> unless the address already ends with it.
/// </summary>
internal static class ApiEndpoint
{
    public const string DefaultDomain = "http://localhost:8080";

    public sealed record Resolved(Uri ApiBase, string Source);

    public static Resolved Resolve(string? flag, Func<string, string?> env, WorkspaceFile? workspace)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return new(Normalize(flag, "--domain"), "--domain");
        }

        foreach (var name in new[] { EnvNames.Domain, EnvNames.LegacyApiUrl })
        {
            var value = env(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return new(Normalize(value, name), name);
            }
        }

        if (!string.IsNullOrWhiteSpace(workspace?.Config.Domain))
        {
            return new(Normalize(workspace.Config.Domain, workspace.Path), workspace.Path);
        }

        return new(Normalize(DefaultDomain, "default"), "default");
    }

    /// <summary>Turns <c>https://host[/prefix][/api][/]</c> into <c>https://host[/prefix]/api/</c>.</summary>
    public static Uri Normalize(string domain, string source)
    {
        var trimmed = domain.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw new Api.CliUserException(
                $"'{trimmed}' (from {source}) is not a server address.",
                "Give an http:// or https:// URL, for example --domain https://coffer.example.com");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/api", StringComparison.Ordinal))
        {
            path += "/api";
        }

        // A trailing slash makes relative request paths resolve under /api/ instead of replacing it.
        return new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }
}
