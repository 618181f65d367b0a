using System.Text.Json.Nodes;
using Coffer.Server.Errors;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

internal static class JsonAssert
{
    /// <summary>Same JSON value, member order aside (zod and our serializer may order members differently).</summary>
    public static void Equivalent(string expectedJson, JsonNode? actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");
    }

    public static JsonArray Issues(ValidationException exception) =>
        new([.. exception.Issues.Select(issue => (JsonNode)ZodIssues.ToJson(issue))]);
}
