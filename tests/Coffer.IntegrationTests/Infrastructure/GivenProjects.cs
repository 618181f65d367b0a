using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>A project as the secret tests use it: its id, slug and the ids of its default environments.</summary>
public sealed record TestProject(string Id, string Slug, IReadOnlyDictionary<string, string> EnvironmentIds);

/// <summary>Projects and members for the secret tests, through the public API.</summary>
public static class GivenProjects
{
    /// <summary>A new project created by the bootstrap admin identity (which becomes its admin).</summary>
    public static async Task<TestProject> TestProjectAsync(this Given given, string? name = null)
    {
        var r = await given.Api.PostAsync("/api/v1/projects", new { projectName = name ?? "p-" + Guid.NewGuid().ToString("N")[..8] }, given.AdminToken);
        Expect.Ok(r);
        var project = r.Json["project"]!;
        return new TestProject(project["id"]!.GetValue<string>(), project["slug"]!.GetValue<string>(),
            project["environments"]!.AsArray().ToDictionary(e => e!["slug"]!.GetValue<string>(), e => e!["id"]!.GetValue<string>()));
    }

    /// <summary>
    /// A new identity and token, member of the project through a custom role with these rules, written in CASL's packed
    /// form for brevity (<c>[["readValue,describeSecret","secrets",{"secretPath":{"$glob":"/app/**"}}]]</c>).
    /// </summary>
    public static async Task<(string IdentityId, string Token)> CustomMemberAsync(this Given given, string projectId, string packedPermissions)
    {
        var slug = "role-" + Guid.NewGuid().ToString("N")[..8];
        await given.RoleAsync(projectId, slug, Unpack(packedPermissions));
        var (id, token) = await given.IdentityWithTokenAsync();
        await given.MemberAsync(projectId, id, slug);
        return (id, token);
    }

    private static object[] Unpack(string packed) =>
        JsonNode.Parse(packed)!.AsArray().Select(rule =>
        {
            var entry = rule!.AsArray();
            var json = new JsonObject
            {
                ["subject"] = entry[1]!.GetValue<string>(),
                ["action"] = new JsonArray([.. entry[0]!.GetValue<string>().Split(',').Select(a => (JsonNode)a)]),
            };
            if (entry.Count > 2 && entry[2] is JsonObject conditions) json["conditions"] = conditions.DeepClone();
            if (entry.Count > 3) json["inverted"] = entry[3]!.GetValue<int>() == 1;
            return (object)json;
        }).ToArray();
}
