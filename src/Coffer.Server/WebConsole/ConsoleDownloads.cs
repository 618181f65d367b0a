using System.Text;
using System.Text.Json;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.WebConsole;

/// <summary>A folder's secrets as a file (.env or JSON), read through the API's list with its permission checks and audit event.</summary>
public static class ConsoleDownloads
{
    public const string Pattern = "/console/download/{projectId}/{environment}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(Pattern, async (HttpContext http, string projectId, string environment, SecretReader reader) =>
        {
            if (http.FindActor() is not { } actor) return Results.Redirect("/login");
            var query = http.Request.Query;
            var path = Components.ConsoleLinks.FolderPath(query["path"]);
            var json = query["format"] == "json";
            try
            {
                var list = await reader.ListAsync(actor, AuditContext.From(http, actor), new ListSecretsRequest(projectId, environment, path,
                    ViewSecretValue: true, Expand: false, Recursive: false, IncludeImports: false, [], [], PersonalOverrides.Never));
                var secrets = list.Secrets.Where(s => !s.ValueHidden).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value)).ToList();
                var body = json
                    ? JsonSerializer.Serialize(secrets.ToDictionary(s => s.Key, s => s.Value), ConsoleJsonContext.Default.DictionaryStringString)
                    : Dotenv.Write(secrets);
                var name = $"{environment}{(path == "/" ? "" : path.Replace('/', '-'))}.{(json ? "json" : "env")}";
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
                return Results.Text(body, json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8", Encoding.UTF8);
            }
            catch (ApiException e)
            {
                return Results.Text(ConsoleErrors.Describe(e), "text/plain; charset=utf-8", Encoding.UTF8, e.StatusCode);
            }
        }).WithMetadata(ConsoleEndpointMetadata.Instance).ExcludeFromDescription();
}

/// <summary>Marks a non-page console route (a download): it gets the console's session and headers.</summary>
public sealed class ConsoleEndpointMetadata
{
    public static readonly ConsoleEndpointMetadata Instance = new();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ConsoleJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
