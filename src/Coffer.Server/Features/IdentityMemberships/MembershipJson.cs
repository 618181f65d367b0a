using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Http;

namespace Coffer.Server.Features.IdentityMemberships;

/// <summary>Builds the list/get shapes of each route family exactly, field for field.</summary>
public static class MembershipJson
{
    public static JsonObject Detail(MembershipDetailRow m, IEnumerable<MembershipRoleRow> roles, IReadOnlyList<string> authMethods,
        RouteForm form, bool single, IReadOnlyList<(string Id, string Key, string Value)>? metadata = null)
    {
        var roleArray = new JsonArray(roles.Select(r => (JsonNode)Role(r)).ToArray());
        if (form == RouteForm.Memberships)
        {
            var identity = new JsonObject
            {
                ["name"] = m.IdentityName,
                ["id"] = m.IdentityId,
                ["orgId"] = m.IdentityOrgId,
                ["projectId"] = m.IdentityProjectId,
            };
            if (!single)
            {
                return new JsonObject
                {
                    ["id"] = m.Id,
                    ["identityId"] = m.IdentityId,
                    ["createdAt"] = Time(m.CreatedAt),
                    ["updatedAt"] = Time(m.UpdatedAt),
                    ["roles"] = roleArray,
                    ["identity"] = identity,
                };
            }
            identity["authMethods"] = Strings(authMethods);
            if (metadata is not null)
                identity["metadata"] = new JsonArray(metadata.Select(x => (JsonNode)new JsonObject { ["id"] = x.Id, ["key"] = x.Key, ["value"] = x.Value }).ToArray());
            var one = new JsonObject
            {
                ["id"] = m.Id,
                ["createdAt"] = Time(m.CreatedAt),
                ["updatedAt"] = Time(m.UpdatedAt),
                ["roles"] = roleArray,
            };
            AddLastLogin(one, m);
            one["identity"] = identity;
            return one;
        }

        var legacyIdentity = new JsonObject { ["name"] = m.IdentityName, ["id"] = m.IdentityId, ["authMethods"] = Strings(authMethods) };
        if (form == RouteForm.ProjectsV1)
        {
            legacyIdentity["projectId"] = m.IdentityProjectId;
            legacyIdentity["orgId"] = m.IdentityOrgId;
        }
        var result = new JsonObject
        {
            ["id"] = m.Id,
            ["identityId"] = m.IdentityId,
            ["createdAt"] = Time(m.CreatedAt),
            ["updatedAt"] = Time(m.UpdatedAt),
            ["roles"] = roleArray,
            ["identity"] = legacyIdentity,
            ["project"] = new JsonObject { ["name"] = m.ProjectName, ["id"] = m.ProjectId },
        };
        if (single && form == RouteForm.ProjectsV1) AddLastLogin(result, m);
        return result;
    }

    public static JsonObject Role(MembershipRoleRow r) => new()
    {
        ["id"] = r.Id,
        ["role"] = r.Role,
        ["customRoleId"] = r.CustomRoleId,
        ["customRoleName"] = r.CustomRoleName,
        ["customRoleSlug"] = r.CustomRoleSlug,
        ["isTemporary"] = r.IsTemporary,
        ["temporaryMode"] = r.TemporaryMode,
        ["temporaryRange"] = r.TemporaryRange,
        ["temporaryAccessStartTime"] = Time(r.TemporaryAccessStartTime),
        ["temporaryAccessEndTime"] = Time(r.TemporaryAccessEndTime),
    };

    private static void AddLastLogin(JsonObject o, MembershipDetailRow m)
    {
        o["lastLoginAuthMethod"] = m.LastLoginAuthMethod;
        o["lastLoginTime"] = Time(m.LastLoginTime);
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    private static JsonNode? Time(long? ms) => ms is { } v ? JsonValue.Create(ApiJson.FormatTime(UnixMs.ToUtc(v))) : null;
}
