using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Foundation;

/// <summary>The founding page (its OpenAPI operation, kept as JSON under Resources/) against what /api/docs/json says.</summary>
public sealed class OpenApiSeedTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static JsonObject Seed()
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Resources", "seed-delete-identity-membership.openapi.json")))!;
        return doc["paths"]!["/api/v1/projects/{projectId}/identity-memberships/{identityId}"]!["delete"]!.AsObject();
    }

    [Theory]
    [InlineData("/api/v1/projects/{projectId}/identity-memberships/{identityId}")]
    [InlineData("/api/v2/workspace/{projectId}/identity-memberships/{identityId}")]
    [InlineData("/api/v1/projects/{projectId}/memberships/identities/{identityId}")]
    public async Task Delete_operation_documents_the_seed_responses(string path)
    {
        var doc = (await fx.Api.GetAsync("/api/docs/json")).Json;
        Assert.StartsWith("3.0", doc["openapi"]!.GetValue<string>());
        var ours = doc["paths"]![path]!["delete"]!.AsObject();
        var seed = Seed();

        var seedResponses = seed["responses"]!.AsObject();
        var ourResponses = ours["responses"]!.AsObject();
        Assert.Equal(seedResponses.Select(r => r.Key).Order(), ourResponses.Select(r => r.Key).Order());
        foreach (var (status, response) in seedResponses)
        {
            var expected = response!["content"]!["application/json"]!["schema"];
            var actual = ourResponses[status]!["content"]!["application/json"]!["schema"];
            Assert.True(JsonNode.DeepEquals(Normalize(expected), Normalize(actual)), $"{status}: {actual?.ToJsonString()}");
            Assert.Equal("Default Response", ourResponses[status]!["description"]!.GetValue<string>());
        }
        Assert.Equal(seed["description"]!.GetValue<string>(), ours["description"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(seed["security"], ours["security"]), ours["security"]?.ToJsonString());

        foreach (var name in new[] { "projectId", "identityId" })
        {
            var seedParam = seed["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;
            var ourParam = ours["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;
            Assert.Equal("path", ourParam["in"]!.GetValue<string>());
            Assert.True(ourParam["required"]!.GetValue<bool>());
            Assert.Equal("string", ourParam["schema"]!["type"]!.GetValue<string>());
            Assert.Equal(seedParam["description"]!.GetValue<string>(), ourParam["description"]!.GetValue<string>());
        }

        var scheme = doc["components"]!["securitySchemes"]!["bearerAuth"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"http","scheme":"bearer","bearerFormat":"JWT","description":"An access token in Infisical"}"""),
            Normalize(scheme)));
    }

    /// <summary>Key order is not meaning; arrays of names (required, enum) are compared as sets.</summary>
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, kv.Key == "required" && kv.Value is JsonArray a
                ? new JsonArray(a.Select(x => x!.GetValue<string>()).Order(StringComparer.Ordinal).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray())
                : Normalize(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Normalize).ToArray()),
        _ => node?.DeepClone(),
    };
}
