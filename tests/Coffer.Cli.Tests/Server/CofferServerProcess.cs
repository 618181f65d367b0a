using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Tests.Server;

/// <summary>
/// The environment names the harness gives <c>coffer-server</c>. Kept in one place because the
/// data-folder name is not settled yet.
/// </summary>
internal static class ServerEnvironment
{
    public const string Port = "PORT";
    public const string Host = "HOST";
    public const string DataDir = "COFFER_DATA_DIR";
    public const string DatabaseUri = "DB_CONNECTION_URI";

    /// <summary>Set to 1 to make missing server routes fail the server tests instead of skipping them.</summary>
    public const string RequireServerTests = "COFFER_REQUIRE_SERVER_TESTS";
}

/// <summary>
/// A real <c>coffer-server</c> (the build output of src/Coffer.Server) on a free loopback port, with
/// a fresh SQLite database in a temporary data folder.
/// </summary>
internal sealed class CofferServerProcess : IAsyncDisposable
{
    readonly System.Diagnostics.Process _process;
    readonly StringBuilder _log = new();

    CofferServerProcess(System.Diagnostics.Process process, string url, string dataDir)
    {
        _process = process;
        Url = url;
        DataDir = dataDir;
    }

    public string Url { get; }
    public string DataDir { get; }
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static string ServerDll =>
        System.Environment.GetEnvironmentVariable("COFFER_SERVER_DLL")
        ?? typeof(CofferServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CofferServerDll").Value!;

    public static async Task<CofferServerProcess> StartAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("coffer-server-test-").FullName;
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The embedded default database lives under ./data/: keep it inside the temp folder.
            WorkingDirectory = dataDir,
        };
        info.ArgumentList.Add(ServerDll);
        info.Environment.Remove(ServerEnvironment.DatabaseUri);
        info.Environment.Remove("NODE_ENV");
        info.Environment.Remove("COFFER_ENV");
        info.Environment[ServerEnvironment.Port] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment[ServerEnvironment.Host] = "127.0.0.1";
        info.Environment[ServerEnvironment.DataDir] = dataDir;
        // Until the server reads PORT/HOST itself, ASP.NET Core's own setting puts it on the same address.
        info.Environment["ASPNETCORE_URLS"] = url;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        var process = System.Diagnostics.Process.Start(info)!;
        var server = new CofferServerProcess(process, url, dataDir);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"coffer-server exited with {process.ExitCode} during start-up:\n{server.Log}");
            }

            try
            {
                using var status = await http.GetAsync(url + "/api/status");
                if (status.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"coffer-server did not answer /api/status within 60 s:\n{server.Log}");
    }

    void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite files still closing; the OS cleans temp eventually.
        }
    }
}

/// <summary>
/// Starts the server once for a test class and prepares what the CLI needs through the public API:
/// bootstrap, a project, a machine identity with universal auth and a client secret, and the
/// identity's project membership. When the server does not have a route yet, the tests are
/// skipped with the route named (or fail, with COFFER_REQUIRE_SERVER_TESTS=1).
/// </summary>
public sealed class CofferServerFixture : IAsyncLifetime
{
    CofferServerProcess? _server;
    string? _notReady;

    public string Url => _server!.Url;
    public string AdminToken { get; private set; } = "";
    public string ProjectId { get; private set; } = "";
    public string IdentityId { get; private set; } = "";
    public string ClientId { get; private set; } = "";
    public string ClientSecret { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _server = await CofferServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(_server.Url), Timeout = TimeSpan.FromSeconds(30) };

        var bootstrap = await PostAsync(http, "/api/v1/admin/bootstrap", new JsonObject
        {
            ["email"] = "admin@example.com",
            ["password"] = "correct horse battery staple",
            ["organization"] = "Coffer CLI tests",
        });
        if (bootstrap is null)
        {
            return;
        }

        AdminToken = bootstrap["identity"]!["credentials"]!["token"]!.GetValue<string>();
        var organizationId = bootstrap["organization"]!["id"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);

        var project = await PostAsync(http, "/api/v2/workspace", new JsonObject { ["projectName"] = "cli-tests", ["type"] = "secret-manager" });
        if (project is null)
        {
            return;
        }

        ProjectId = project["project"]!["id"]!.GetValue<string>();

        var identity = await PostAsync(http, "/api/v1/identities", new JsonObject { ["name"] = "cli-machine", ["organizationId"] = organizationId, ["role"] = "member" });
        if (identity is null)
        {
            return;
        }

        IdentityId = identity["identity"]!["id"]!.GetValue<string>();

        var ua = await PostAsync(http, $"/api/v1/auth/universal-auth/identities/{IdentityId}", new JsonObject());
        if (ua is null)
        {
            return;
        }

        ClientId = ua["identityUniversalAuth"]!["clientId"]!.GetValue<string>();

        var secret = await PostAsync(http, $"/api/v1/auth/universal-auth/identities/{IdentityId}/client-secrets", new JsonObject());
        if (secret is null)
        {
            return;
        }

        ClientSecret = secret["clientSecret"]!.GetValue<string>();

        var membership = await PostAsync(http, $"/api/v1/projects/{ProjectId}/identity-memberships/{IdentityId}", new JsonObject { ["role"] = "member" });
        if (membership is null)
        {
            return;
        }

        // The CLI's own routes: probe the list routes with the admin token.
        foreach (var route in new[] { "/api/v3/secrets/raw", "/api/v1/folders" })
        {
            using var probe = await http.GetAsync($"{route}?workspaceId={ProjectId}&environment=dev&secretPath=%2F&path=%2F");
            if (await MissingRouteAsync(probe, "GET " + route))
            {
                return;
            }
        }
    }

    /// <summary>Skips the calling test while the server lacks a route the scenario needs.</summary>
    public void RequireReady()
    {
        if (_notReady is null)
        {
            return;
        }

        if (System.Environment.GetEnvironmentVariable(ServerEnvironment.RequireServerTests) == "1")
        {
            Assert.Fail(_notReady);
        }

        Assert.Skip(_notReady);
    }

    async Task<JsonNode?> PostAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        if (await MissingRouteAsync(response, "POST " + path))
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}\nserver log:\n{_server!.Log}");
        }

        return JsonNode.Parse(text);
    }

    // A 404 for the route itself (empty body, or Fastify-style "Route … not found"), not for a resource.
    async Task<bool> MissingRouteAsync(HttpResponseMessage response, string route)
    {
        if (response.StatusCode != HttpStatusCode.NotFound && response.StatusCode != HttpStatusCode.MethodNotAllowed)
        {
            return false;
        }

        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0 || text.Contains("\"Route ", StringComparison.Ordinal))
        {
            _notReady = $"coffer-server has no route {route} yet";
            return true;
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
