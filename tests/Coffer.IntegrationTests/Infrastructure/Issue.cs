using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>zod issue objects, to compare 422 bodies exactly.</summary>
public static class Issue
{
    private static JsonArray Path(object[] path) => new(path.Select(p => p is int i ? JsonValue.Create(i) : (JsonNode)JsonValue.Create((string)p)!).ToArray());

    public static JsonObject Required(object[] path, string expected) => new()
    {
        ["code"] = "invalid_type",
        ["expected"] = expected,
        ["received"] = "undefined",
        ["path"] = Path(path),
        ["message"] = "Required",
    };

    public static JsonObject WrongType(object[] path, string expected, string received) => new()
    {
        ["code"] = "invalid_type",
        ["expected"] = expected,
        ["received"] = received,
        ["path"] = Path(path),
        ["message"] = $"Expected {expected}, received {received}",
    };

    public static JsonObject TooSmall(object[] path, string type, double minimum, string message) => new()
    {
        ["code"] = "too_small",
        ["minimum"] = minimum,
        ["type"] = type,
        ["inclusive"] = true,
        ["exact"] = false,
        ["path"] = Path(path),
        ["message"] = message,
    };

    public static JsonObject TooBig(object[] path, string type, double maximum, string message) => new()
    {
        ["code"] = "too_big",
        ["maximum"] = maximum,
        ["type"] = type,
        ["inclusive"] = true,
        ["exact"] = false,
        ["path"] = Path(path),
        ["message"] = message,
    };

    public static JsonObject InvalidEmail(object[] path) => new()
    {
        ["code"] = "invalid_string",
        ["validation"] = "email",
        ["path"] = Path(path),
        ["message"] = "Invalid email",
    };

    public static JsonObject Custom(object[] path, string message) => new()
    {
        ["code"] = "custom",
        ["path"] = Path(path),
        ["message"] = message,
    };

    public static JsonObject Enum(object[] path, string received, params string[] options) => new()
    {
        ["received"] = received,
        ["code"] = "invalid_enum_value",
        ["options"] = new JsonArray(options.Select(o => (JsonNode)JsonValue.Create(o)!).ToArray()),
        ["path"] = Path(path),
        ["message"] = $"Invalid enum value. Expected {string.Join(" | ", options.Select(o => $"'{o}'"))}, received '{received}'",
    };
}
