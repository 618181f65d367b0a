using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Cli.Tests.Process;

/// <summary>
/// A stand-in for the Infisical API surface the CLI uses (client-calls.md §3.1), on 127.0.0.1, so
/// the built CLI can be driven as a process today, before the real server has its secrets routes.
/// It records every request so tests can check what the CLI sent.
/// </summary>
internal sealed partial class FakeInfisicalServer : IAsyncDisposable
{
    public const string ClientId = "7c1b6c1e-0d1f-4e5a-9a51-1d1b2a8f0c11";
    public const string ClientSecret = "5f0e2b6cbd0f4f4d9d8c6b7a1e2d3c4b5f0e2b6cbd0f4f4d9d8c6b7a1e2d3c4b";
    public const string StaticToken = "static-test-token";
    public const string ProjectId = "0b8c8f8e-5b4e-4f7c-9a8b-6f5e4d3c2b1a";

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, bool> _tokens = new() { [StaticToken] = true };
    readonly object _gate = new();
    // (env, path) → name → (value, type)
    readonly Dictionary<(string Env, string Path), Dictionary<string, string>> _secrets = [];
    readonly Dictionary<(string Env, string Path), List<(string Env, string Path)>> _imports = [];
    readonly Dictionary<(string Env, string Path), List<string>> _folders = [];
    int _tokenCounter;

    FakeInfisicalServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public long TokenTtlSeconds { get; set; } = 3600;

    public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? IfNoneMatch, string Body);

    public static async Task<FakeInfisicalServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeInfisicalServer(app);
        server.Map();
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public void SetSecret(string env, string path, string key, string value)
    {
        lock (_gate)
        {
            Folder(env, path)[key] = value;
        }
    }

    public void AddImport(string env, string path, string fromEnv, string fromPath)
    {
        lock (_gate)
        {
            if (!_imports.TryGetValue((env, path), out var list))
            {
                _imports[(env, path)] = list = [];
            }

            list.Add((fromEnv, fromPath));
        }
    }

    public IReadOnlyDictionary<string, string> Secrets(string env, string path)
    {
        lock (_gate)
        {
            return new Dictionary<string, string>(Folder(env, path));
        }
    }

    public IReadOnlyList<string> FolderNames(string env, string path)
    {
        lock (_gate)
        {
            return _folders.TryGetValue((env, path), out var list) ? [.. list] : [];
        }
    }

    public string IssueToken()
    {
        var token = $"fake-token-{Interlocked.Increment(ref _tokenCounter)}";
        _tokens[token] = true;
        return token;
    }

    Dictionary<string, string> Folder(string env, string path)
    {
        if (!_secrets.TryGetValue((env, path), out var folder))
        {
            _secrets[(env, path)] = folder = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return folder;
    }

    void Map()
    {
        _app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync();
            context.Request.Body.Position = 0;
            Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.Authorization.FirstOrDefault(),
                context.Request.Headers.IfNoneMatch.FirstOrDefault(),
                body));

            var path = context.Request.Path.Value ?? "";
            var needsToken = path.StartsWith("/api/v3/", StringComparison.Ordinal) || path.StartsWith("/api/v1/folders", StringComparison.Ordinal);
            if (needsToken)
            {
                var auth = context.Request.Headers.Authorization.FirstOrDefault();
                if (auth is null)
                {
                    await Error(context, 401, "UnauthorizedError", "Token missing");
                    return;
                }

                if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.ContainsKey(auth[7..]))
                {
                    await Error(context, 401, "TokenError", "Invalid token");
                    return;
                }
            }

            await next(context);
        });

        _app.MapPost("/api/v1/auth/universal-auth/login", async (HttpContext context) =>
        {
            var body = await Json(context);
            if (body?["clientId"]?.GetValue<string>() != ClientId || body?["clientSecret"]?.GetValue<string>() != ClientSecret)
            {
                await Error(context, 401, "UnauthorizedError", "Invalid credentials");
                return;
            }

            await Ok(context, TokenAnswer(IssueToken()));
        });

        _app.MapPost("/api/v1/auth/token/renew", async (HttpContext context) =>
        {
            var body = await Json(context);
            var old = body?["accessToken"]?.GetValue<string>();
            if (old is null || !_tokens.ContainsKey(old))
            {
                await Error(context, 401, "UnauthorizedError", "No identity access token found");
                return;
            }

            await Ok(context, TokenAnswer(IssueToken()));
        });

        _app.MapGet("/api/v3/secrets/raw", async (HttpContext context) =>
        {
            var q = context.Request.Query;
            if (q["workspaceId"] != ProjectId)
            {
                await Error(context, 404, "NotFound", $"Project with ID '{q["workspaceId"]}' not found");
                return;
            }

            var env = q["environment"].ToString();
            var path = q["secretPath"].ToString();
            var expand = q["expandSecretReferences"] == "true";
            JsonObject answer;
            lock (_gate)
            {
                var own = Folder(env, path);
                var secrets = new JsonArray(own.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (JsonNode)SecretJson(p.Key, expand ? Expand(own, p.Value) : p.Value, env, path)).ToArray());
                answer = new JsonObject { ["secrets"] = secrets };
                if (q["include_imports"] == "true")
                {
                    var imports = new JsonArray();
                    foreach (var (fromEnv, fromPath) in _imports.GetValueOrDefault((env, path)) ?? [])
                    {
                        var from = Folder(fromEnv, fromPath);
                        imports.Add(new JsonObject
                        {
                            ["secretPath"] = fromPath,
                            ["environment"] = fromEnv,
                            ["secrets"] = new JsonArray(from.Select(p => (JsonNode)SecretJson(p.Key, p.Value, fromEnv, fromPath)).ToArray()),
                        });
                    }

                    answer["imports"] = imports;
                }
            }

            var text = answer.ToJsonString();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + "\"";
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch.FirstOrDefault() == etag)
            {
                context.Response.StatusCode = 304;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(text);
        });

        _app.MapMethods("/api/v3/secrets/raw/{name}", ["POST", "PATCH", "DELETE"], async (HttpContext context, string name) =>
        {
            var body = await Json(context);
            var env = body?["environment"]?.GetValue<string>() ?? "";
            var path = body?["secretPath"]?.GetValue<string>() ?? "/";
            if (body?["workspaceId"]?.GetValue<string>() != ProjectId)
            {
                await Error(context, 404, "NotFound", "Project not found");
                return;
            }

            lock (_gate)
            {
                var folder = Folder(env, path);
                var exists = folder.ContainsKey(name);
                switch (context.Request.Method)
                {
                    case "POST" when exists:
                        context.Response.StatusCode = 400;
                        break;
                    case "POST":
                    case "PATCH" when exists:
                        folder[name] = body?["secretValue"]?.GetValue<string>() ?? "";
                        break;
                    case "DELETE" when exists:
                        folder.Remove(name);
                        break;
                    default:
                        context.Response.StatusCode = 404;
                        break;
                }
            }

            if (context.Response.StatusCode == 400)
            {
                await Error(context, 400, "BadRequest", "Secret already exists");
            }
            else if (context.Response.StatusCode == 404)
            {
                await Error(context, 404, "NotFound", $"Secret with name '{name}' not found");
            }
            else
            {
                await Ok(context, new JsonObject { ["secret"] = SecretJson(name, "", env, path) });
            }
        });

        _app.MapGet("/api/v1/folders", async (HttpContext context) =>
        {
            var q = context.Request.Query;
            var path = q["path"].FirstOrDefault() ?? q["directory"].FirstOrDefault() ?? "/";
            JsonArray folders;
            lock (_gate)
            {
                folders = new JsonArray((_folders.GetValueOrDefault((q["environment"].ToString(), path)) ?? []).Select(n => (JsonNode)new JsonObject { ["id"] = "f-" + n, ["name"] = n }).ToArray());
            }

            await Ok(context, new JsonObject { ["folders"] = folders });
        });

        _app.MapPost("/api/v1/folders", async (HttpContext context) =>
        {
            var body = await Json(context);
            var name = body?["name"]?.GetValue<string>() ?? "";
            lock (_gate)
            {
                var key = (body?["environment"]?.GetValue<string>() ?? "", body?["path"]?.GetValue<string>() ?? "/");
                if (!_folders.TryGetValue(key, out var list))
                {
                    _folders[key] = list = [];
                }

                list.Add(name);
            }

            await Ok(context, new JsonObject { ["folder"] = new JsonObject { ["id"] = "f-" + name, ["name"] = name } });
        });

        _app.MapDelete("/api/v1/folders/{name}", async (HttpContext context, string name) =>
        {
            var body = await Json(context);
            bool removed;
            lock (_gate)
            {
                var key = (body?["environment"]?.GetValue<string>() ?? "", body?["path"]?.GetValue<string>() ?? "/");
                removed = _folders.TryGetValue(key, out var list) && list.Remove(name);
            }

            if (!removed)
            {
                await Error(context, 404, "NotFound", $"Folder with name '{name}' not found");
                return;
            }

            await Ok(context, new JsonObject { ["folder"] = new JsonObject { ["id"] = "f-" + name, ["name"] = name } });
        });
    }

    JsonObject TokenAnswer(string token) => new()
    {
        ["accessToken"] = token,
        ["expiresIn"] = TokenTtlSeconds,
        ["accessTokenMaxTTL"] = TokenTtlSeconds * 10,
        ["tokenType"] = "Bearer",
    };

    static JsonObject SecretJson(string key, string value, string env, string path) => new()
    {
        ["id"] = "s-" + key,
        ["_id"] = "s-" + key,
        ["workspace"] = ProjectId,
        ["environment"] = env,
        ["version"] = 1,
        ["type"] = "shared",
        ["secretKey"] = key,
        ["secretValue"] = value,
        ["secretComment"] = "",
        ["secretPath"] = path,
    };

    // Same-folder ${KEY} references only: enough to see that the CLI asked for expansion.
    static string Expand(Dictionary<string, string> folder, string value) =>
        Reference().Replace(value, m => folder.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Reference();

    static async Task<JsonNode?> Json(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static async Task Ok(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    static async Task Error(HttpContext context, int status, string error, string message)
    {
        var reqId = "req-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(7));
        context.Response.StatusCode = status;
        context.Response.Headers["X-Request-Id"] = reqId;
        await Ok(context, new JsonObject { ["reqId"] = reqId, ["statusCode"] = status, ["message"] = message, ["error"] = error });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
