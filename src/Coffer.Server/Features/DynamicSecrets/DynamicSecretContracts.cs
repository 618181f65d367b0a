using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Http;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>A new dynamic secret, as read from <c>POST /api/v1/dynamic-secrets</c>.</summary>
public sealed record CreateDynamicSecretRequest(
    string ProjectSlug, string Environment, string Path, string Name, string Type, JsonObject Inputs, string DefaultTtl, string? MaxTtl,
    JsonArray? Metadata, string? UsernameTemplate);

/// <summary>The changes of <c>PATCH /api/v1/dynamic-secrets/{name}</c>; null leaves a field as it is.</summary>
public sealed record DynamicSecretChange(
    JsonObject? Inputs, string? DefaultTtl, string? MaxTtl, bool MaxTtlSet, string? NewName, JsonArray? Metadata, string? UsernameTemplate,
    bool UsernameTemplateSet);

/// <summary>Where a dynamic secret is addressed: project slug, environment and folder path (Infisical's every route).</summary>
public sealed record DynamicSecretLocation(string ProjectSlug, string Environment, string Path);

/// <summary>The JSON shapes of Infisical's sanitized dynamic secret and lease.</summary>
public static class DynamicSecretJson
{
    public static JsonObject Secret(DynamicSecretRow r, JsonObject? inputs = null)
    {
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["name"] = r.Name,
            ["version"] = r.Version,
            ["type"] = r.Type,
            ["defaultTTL"] = r.DefaultTtl,
            ["maxTTL"] = r.MaxTtl,
            ["folderId"] = r.FolderId,
            ["status"] = r.Status,
            ["statusDetails"] = r.StatusDetails,
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.UpdatedAt)),
            ["usernameTemplate"] = r.UsernameTemplate,
            ["gatewayId"] = null,
            ["gatewayV2Id"] = null,
            ["projectGatewayId"] = null,
            ["metadata"] = JsonNode.Parse(r.Metadata),
        };
        if (inputs is not null) o["inputs"] = inputs;
        return o;
    }

    public static JsonObject Lease(LeaseRow l) => new()
    {
        ["id"] = l.Id,
        ["version"] = l.Version,
        ["externalEntityId"] = l.ExternalEntityId,
        ["expireAt"] = ApiJson.FormatTime(UnixMs.ToUtc(l.ExpireAt)),
        ["status"] = l.Status,
        ["statusDetails"] = l.StatusDetails,
        ["dynamicSecretId"] = l.DynamicSecretId,
        ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(l.CreatedAt)),
        ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(l.UpdatedAt)),
        ["config"] = null,
    };
}
