using System.CommandLine;
using Coffer.Cli.Api;
using Coffer.Cli.Config;

namespace Coffer.Cli.Commands;

/// <summary>
/// Settings resolved for one command run: the server, the workspace file, project, environment,
/// folder path and the access token, each with Infisical's precedence (flag, then environment
/// variable, then .infisical.json, then default).
/// </summary>
internal sealed class CommandSession
{
    readonly CliContext _context;
    readonly Lazy<WorkspaceFile?> _workspace;
    readonly TokenStore _store;
    TokenProvider? _tokens;

    CommandSession(CliContext context, string? domainFlag, bool silent, string? projectConfigDir)
    {
        _context = context;
        Silent = silent;
        _workspace = new(() => projectConfigDir is { Length: > 0 }
            ? WorkspaceFile.LoadFromDirectory(Path.GetFullPath(projectConfigDir, context.WorkingDirectory))
            : WorkspaceFile.Find(context.WorkingDirectory));
        var endpoint = ApiEndpoint.Resolve(domainFlag, context.Env, Workspace);
        ApiBase = endpoint.ApiBase;
        if (endpoint.Source == Workspace?.Path)
        {
            // A committed .infisical.json could send credentials elsewhere: always say where they go.
            context.Console.Error.WriteLine($"warning: using domain '{ApiBase}' from {Workspace.Path}; requests and credentials are sent there.");
        }

        _store = new TokenStore(ConfigPaths.CredentialsFile(context.Env));
    }

    public static CommandSession From(CliContext context, ParseResult parse, GlobalOptions globals, string? projectConfigDir = null) =>
        new(context, parse.GetValue(globals.Domain), parse.GetValue(globals.Silent), projectConfigDir);

    public CliContext Context => _context;
    public bool Silent { get; }
    public Uri ApiBase { get; }
    public WorkspaceFile? Workspace => _workspace.Value;
    public TokenStore Store => _store;

    public string ProjectId(string? flag)
    {
        var value = FirstNonEmpty(flag, _context.Env(EnvNames.ProjectId), Workspace?.Config.WorkspaceId);
        return value ?? throw new CliUserException(
            "No project id.",
            "Pass --projectId <id>, set INFISICAL_PROJECT_ID, or run inside a folder with an .infisical.json that has a workspaceId.");
    }

    public string Environment(string? flag) =>
        FirstNonEmpty(flag, _context.Env(EnvNames.Environment), Workspace?.Environment()) ?? "dev";

    public string SecretPath(string? flag) => NormalizePath(FirstNonEmpty(flag, _context.Env(EnvNames.SecretPath)) ?? "/");

    public IReadOnlyList<string> SecretPaths(string[]? flags)
    {
        if (flags is { Length: > 0 })
        {
            return flags.Select(NormalizePath).ToArray();
        }

        return [SecretPath(null)];
    }

    /// <summary>Folder paths are absolute in Infisical; accept "app" for "/app".</summary>
    public static string NormalizePath(string path)
    {
        var trimmed = path.Trim();
        return trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }

    public ApiTransport CreateTransport() => new(ApiBase, _context.HandlerFactory(), _context.Retry);

    /// <summary>A client carrying the token picked by <see cref="TokenProvider"/>.</summary>
    public async Task<CofferApiClient> AuthenticatedClientAsync(ApiTransport transport, string? tokenFlag, CancellationToken ct)
    {
        // One provider per run, so `run --watch` polls reuse a token instead of logging in each time.
        _tokens ??= new TokenProvider(this, transport);
        var token = await _tokens.GetAsync(tokenFlag, ct).ConfigureAwait(false);
        return new CofferApiClient(transport, token);
    }

    static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
