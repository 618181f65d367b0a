using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>The exact field sets of Infisical's secret schemas, per route, and small helpers to write secrets.</summary>
public static class SecretKeys
{
    /// <summary>secretRawSchema: create responses.</summary>
    public static readonly string[] Raw =
    [
        "id", "_id", "workspace", "environment", "version", "type", "secretKey", "secretValue", "secretComment",
        "secretReminderNote", "secretReminderRepeatDays", "skipMultilineEncoding", "createdAt", "updatedAt",
    ];

    /// <summary>Update and delete responses.</summary>
    public static readonly string[] Changed = [.. Raw, "secretValueHidden"];

    /// <summary>List items and v4 get by name.</summary>
    public static readonly string[] Listed = [.. Raw, "secretPath", "secretValueHidden", "secretMetadata", "tags"];

    /// <summary>v3 get by name.</summary>
    public static readonly string[] FetchedV3 = [.. Raw, "secretValueHidden", "secretMetadata", "tags"];

    /// <summary>Get by id.</summary>
    public static readonly string[] ById = [.. Raw, "secretPath", "secretMetadata", "tags"];

    /// <summary>Secrets under a list's imports.</summary>
    public static readonly string[] Imported =
    [
        .. Raw.Where(k => k is not "createdAt" and not "updatedAt"), "isRotatedSecret", "rotationId", "secretValueHidden", "secretMetadata",
    ];

    public static async Task<JsonObject> CreateAsync(Api api, string token, string projectId, string key, string value, string path = "/",
        string environment = "dev", string? comment = null)
    {
        var r = await api.PostAsync($"/api/v3/secrets/raw/{Uri.EscapeDataString(key)}",
            new { workspaceId = projectId, environment, secretPath = path, secretValue = value, secretComment = comment ?? "" }, token);
        Expect.Ok(r);
        return r.Json["secret"]!.AsObject();
    }

    public static async Task FolderAsync(Api api, string token, string projectId, string path, string environment = "dev")
    {
        var parent = path[..path.LastIndexOf('/')];
        var r = await api.PostAsync("/api/v2/folders",
            new { projectId, environment, name = path[(path.LastIndexOf('/') + 1)..], path = parent.Length == 0 ? "/" : parent }, token);
        Expect.Ok(r);
    }

    public static async Task<JsonObject> ListAsync(Api api, string token, string projectId, string query = "", string environment = "dev")
    {
        var r = await api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment={environment}{query}", token);
        Expect.Ok(r);
        return r.Json;
    }

    public static Dictionary<string, string> Values(JsonObject list) =>
        list["secrets"]!.AsArray().ToDictionary(s => s!["secretKey"]!.GetValue<string>(), s => s!["secretValue"]!.GetValue<string>());
}
