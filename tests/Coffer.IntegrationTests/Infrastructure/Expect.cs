using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Assertions for Infisical's shapes: exact key sets and the exact error envelope.</summary>
public static partial class Expect
{
    /// <summary>An error envelope with exactly the given status, error and message, and nothing undeclared.</summary>
    public static JsonObject Error(ApiResponse r, int status, string error, string message, bool allowDetails = false)
    {
        Assert.True(r.Code == status, $"expected {status} but got {r}");
        var body = r.Json;
        var keys = new List<string> { "reqId", "statusCode", "message", "error" };
        if (allowDetails && body.ContainsKey("details")) keys.Add("details");
        Keys(body, [.. keys]);
        Assert.Equal(status, body["statusCode"]!.GetValue<int>());
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Equal(message, body["message"]!.GetValue<string>());
        var reqId = body["reqId"]!.GetValue<string>();
        Assert.Matches(ReqIdPattern(), reqId);
        Assert.Equal(reqId, r.Header("X-Request-Id"));
        return body;
    }

    /// <summary>A 422 ValidationFailure whose issues are exactly <paramref name="issues"/> (zod's shape).</summary>
    public static void Validation(ApiResponse r, params JsonObject[] issues)
    {
        Assert.True(r.Code == 422, $"expected 422 but got {r}");
        var body = r.Json;
        Keys(body, "reqId", "statusCode", "message", "error");
        Assert.Equal("ValidationFailure", body["error"]!.GetValue<string>());
        var actual = body["message"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(new JsonArray(issues.Select(i => (JsonNode)i.DeepClone()).ToArray()), actual),
            $"issues differ: {actual.ToJsonString()}");
    }

    public static void Keys(JsonObject obj, params string[] keys)
    {
        var actual = obj.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();
        var expected = keys.Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"keys differ. expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
    }

    public static void Ok(ApiResponse r) => Assert.True(r.Code == 200, $"expected 200 but got {r}");

    [GeneratedRegex("^req-[A-Za-z0-9]{14}$")]
    private static partial Regex ReqIdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    public static partial Regex IsoMillis();
}
