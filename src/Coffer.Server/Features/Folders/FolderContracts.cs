using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.Environments;
using Coffer.Server.Http;

namespace Coffer.Server.Features.Folders;

/// <summary>Infisical's SecretFoldersSchema and the extensions its routes add (path, relativePath, environment, projectId).</summary>
public static class FolderJson
{
    public static JsonObject Folder(FolderRow f) => new()
    {
        ["id"] = f.Id,
        ["name"] = f.Name,
        ["version"] = f.Version,
        ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(f.CreatedAt)),
        ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(f.UpdatedAt)),
        ["envId"] = f.EnvId,
        ["parentId"] = f.ParentId,
        ["isReserved"] = false,
        ["description"] = f.Description,
        ["lastSecretModified"] = f.LastSecretModified is { } ms ? ApiJson.FormatTime(UnixMs.ToUtc(ms)) : null,
    };

    public static JsonObject WithPath(FolderRow f, string path)
    {
        var json = Folder(f);
        json["path"] = path;
        return json;
    }

    public static JsonObject WithRelativePath(FolderRow f, string path)
    {
        var json = Folder(f);
        json["relativePath"] = path;
        return json;
    }

    public static JsonObject Detailed(FolderRow f, EnvironmentRow env, string path, string projectId)
    {
        var json = Folder(f);
        json["environment"] = new JsonObject { ["envId"] = env.Id, ["envName"] = env.Name, ["envSlug"] = env.Slug };
        json["path"] = path;
        json["projectId"] = projectId;
        return json;
    }
}

public sealed record FolderChange(FolderRow Folder, string Path);

public sealed record FolderUpdate(string IdOrName, string Environment, string Path, string Name, FieldUpdate<string?> Description);
