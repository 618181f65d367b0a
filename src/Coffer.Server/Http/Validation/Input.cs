using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Http.Validation;

/// <summary>
/// Reads one JSON object (a body, or a query string seen as strings) the way Infisical's zod schemas do, collecting
/// every issue in zod's shape so a bad request gets the same 422 Infisical would send. Reads after a failure return
/// defaults; call <see cref="ThrowIfInvalid"/> before using the values.
/// </summary>
public sealed class Input
{
    private readonly JsonObject? _obj;
    private readonly object[] _path;
    private readonly List<ValidationIssue> _issues;
    private readonly bool _coerce;

    private Input(JsonObject? obj, object[] path, List<ValidationIssue> issues, bool coerce)
    {
        _obj = obj;
        _path = path;
        _issues = issues;
        _coerce = coerce;
    }

    /// <summary>A body that must be an object; a missing or non-object body is one issue at path [].</summary>
    public static Input ForBody(JsonNode? body, bool present)
    {
        var issues = new List<ValidationIssue>();
        if (body is JsonObject obj) return new Input(obj, [], issues, coerce: false);
        issues.Add(TypeIssue([], "object", present ? TypeName(body) : "undefined"));
        return new Input(null, [], issues, coerce: false);
    }

    /// <summary>Query strings: every value is a string; numbers and booleans are coerced as zod's coerce/enum do.</summary>
    public static Input ForQuery(IQueryCollection query)
    {
        // Built from a list sized up front: adding to an empty JsonObject grows its dictionary two or three times.
        var properties = new List<KeyValuePair<string, JsonNode?>>(query.Count);
        foreach (var (key, values) in query)
            if (values.Count > 0) properties.Add(new(key, values[^1]));
        return new Input(new JsonObject(properties), [], [], coerce: true);
    }

    /// <summary>Path parameters are strings that are always present.</summary>
    public static Input ForRoute(RouteValueDictionary values)
    {
        var properties = new List<KeyValuePair<string, JsonNode?>>(values.Count);
        foreach (var (key, value) in values)
            if (value is string s) properties.Add(new(key, s));
        return new Input(new JsonObject(properties), [], [], coerce: false);
    }

    /// <summary>JavaScript's Number.MAX_SAFE_INTEGER: the largest integer a client's JSON number holds exactly.</summary>
    public const double MaxSafeInteger = 9_007_199_254_740_991;

    public bool IsValid => _issues.Count == 0;

    public IReadOnlyList<ValidationIssue> Issues => _issues;

    public bool Has(string name) => _obj is not null && _obj.TryGetPropertyValue(name, out _);

    public void ThrowIfInvalid()
    {
        if (_issues.Count > 0) throw new ValidationException(_issues.ToArray());
    }

    /// <summary>A refinement failure (zod "custom" issue) at a field of this object.</summary>
    public void Fail(string message, params object[] path) =>
        _issues.Add(new ValidationIssue("custom", [.. _path, .. path], message));

    /// <param name="allowNul">
    /// Only for values that are encrypted before they are stored (secret values, comments): anywhere else a NUL is
    /// refused, because PostgreSQL cannot store it in text and SQLite would, and both engines must answer alike.
    /// </param>
    public string? String(string name, bool required = true, bool trim = false, int? min = null, int? max = null,
        string? fallback = null, bool nullable = false, bool allowNul = false)
    {
        if (!TryGet(name, out var node))
        {
            if (fallback is not null) return fallback;
            if (required) Missing(PathOf(name), "string");
            return null;
        }
        if (node is null && nullable) return null;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            _issues.Add(TypeIssue(PathOf(name), "string", TypeName(node)));
            return null;
        }
        var s = v.GetValue<string>();
        if (trim) s = s.Trim();
        if (!allowNul && s.Contains('\0', StringComparison.Ordinal)) _issues.Add(new ValidationIssue("custom", PathOf(name), JsonBody.NulMessage));
        if (min is not null && s.Length < min)
            _issues.Add(SizeIssue(PathOf(name), "too_small", "minimum", min.Value, "string",
                min == 1 ? "String must contain at least 1 character(s)" : $"String must contain at least {min} character(s)"));
        if (max is not null && s.Length > max)
            _issues.Add(SizeIssue(PathOf(name), "too_big", "maximum", max.Value, "string", $"String must contain at most {max} character(s)"));
        return s;
    }

    public long? Integer(string name, long? min = null, long? max = null, bool required = false, long? fallback = null) =>
        Number(name, min, max, required, fallback, integer: true) is { } d ? (long)d : null;

    public double? Number(string name, double? min = null, double? max = null, bool required = false, double? fallback = null,
        bool integer = false)
    {
        if (!TryGet(name, out var node))
        {
            if (fallback is not null) return fallback;
            if (required) Missing(PathOf(name), integer ? "integer" : "number");
            return null;
        }
        double value;
        if (_coerce && node is JsonValue sv && sv.GetValueKind() == JsonValueKind.String)
        {
            var text = sv.GetValue<string>().Trim();
            if (text.Length == 0) value = 0; // Number("") is 0 in JavaScript, which zod's coerce uses.
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsNaN(value))
            {
                _issues.Add(TypeIssue(PathOf(name), "number", "nan"));
                return null;
            }
        }
        else if (node is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number)
        {
            value = nv.GetValue<double>();
        }
        else
        {
            _issues.Add(TypeIssue(PathOf(name), "number", TypeName(node)));
            return null;
        }
        if (!double.IsFinite(value))
        {
            _issues.Add(new ValidationIssue("not_finite", PathOf(name), "Number must be finite"));
            return null;
        }
        if (Math.Abs(value) > MaxSafeInteger && max is null)
        {
            // Beyond JavaScript's safe integers a number is no longer exact, and beyond a 64-bit integer the database
            // would refuse it: say so instead of failing later.
            _issues.Add(SizeIssue(PathOf(name), value > 0 ? "too_big" : "too_small", value > 0 ? "maximum" : "minimum", value > 0 ? MaxSafeInteger : -MaxSafeInteger,
                "number", value > 0 ? $"Number must be less than or equal to {MaxSafeInteger}" : $"Number must be greater than or equal to {-MaxSafeInteger}"));
            return null;
        }
        if (integer && Math.Floor(value) != value)
        {
            _issues.Add(TypeIssue(PathOf(name), "integer", "float"));
            return null;
        }
        var ok = true;
        if (min is not null && value < min)
        {
            _issues.Add(SizeIssue(PathOf(name), "too_small", "minimum", min.Value, "number", $"Number must be greater than or equal to {Format(min.Value)}"));
            ok = false;
        }
        if (max is not null && value > max)
        {
            _issues.Add(SizeIssue(PathOf(name), "too_big", "maximum", max.Value, "number", $"Number must be less than or equal to {Format(max.Value)}"));
            ok = false;
        }
        return ok ? value : null;
    }

    public bool? Boolean(string name, bool required = false, bool? fallback = null)
    {
        if (!TryGet(name, out var node))
        {
            if (required) Missing(PathOf(name), "boolean");
            return fallback;
        }
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        _issues.Add(TypeIssue(PathOf(name), "boolean", TypeName(node)));
        return fallback;
    }

    /// <summary>Infisical's query booleans: the strings "true" or "false" and nothing else.</summary>
    public bool? BooleanString(string name, bool fallback) =>
        Enum(name, ["true", "false"], fallback ? "true" : "false") == "true";

    public string? Enum(string name, IReadOnlyList<string> options, string? fallback = null, bool required = false)
    {
        if (!TryGet(name, out var node))
        {
            if (fallback is null && required) Missing(PathOf(name), string.Join(" | ", options.Select(o => $"'{o}'")));
            return fallback;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && options.Contains(v.GetValue<string>()))
            return v.GetValue<string>();
        if (node is JsonValue sv && sv.GetValueKind() == JsonValueKind.String)
        {
            var received = sv.GetValue<string>();
            var extra = new JsonObject { ["received"] = received, ["options"] = new JsonArray(options.Select(o => (JsonNode?)o).ToArray()) };
            _issues.Add(new ValidationIssue("invalid_enum_value", PathOf(name),
                $"Invalid enum value. Expected {string.Join(" | ", options.Select(o => $"'{o}'"))}, received '{received}'")
            { Extra = extra });
        }
        else
        {
            _issues.Add(new ValidationIssue("invalid_type", PathOf(name), node is null ? "Expected " + string.Join(" | ", options.Select(o => $"'{o}'")) + ", received null" : "Expected " + string.Join(" | ", options.Select(o => $"'{o}'")) + ", received " + TypeName(node))
            { Expected = string.Join(" | ", options.Select(o => $"'{o}'")), Received = TypeName(node) });
        }
        return null;
    }

    /// <summary>An array of nested objects; each item is read through its own <see cref="Input"/>.</summary>
    public IReadOnlyList<Input>? Objects(string name, bool required = false, int? min = null, int? max = null)
    {
        var array = Array(name, required, min, max);
        if (array is null) return null;
        var items = new List<Input>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = (object[])[.. _path, name, i];
            if (array[i] is JsonObject o) items.Add(new Input(o, itemPath, _issues, _coerce));
            else
            {
                _issues.Add(TypeIssue(itemPath, "object", TypeName(array[i])));
                items.Add(new Input(null, itemPath, _issues, _coerce));
            }
        }
        return items;
    }

    public IReadOnlyList<string>? Strings(string name, bool required = false, int? min = null, bool trim = false, int? itemMin = null)
    {
        var array = Array(name, required, min, null);
        if (array is null) return null;
        var values = new List<string>(array.Count);
        var holder = new JsonObject();
        var itemReader = new Input(holder, [.. _path, name], _issues, _coerce);
        for (var i = 0; i < array.Count; i++)
        {
            holder[i.ToString(CultureInfo.InvariantCulture)] = array[i]?.DeepClone();
            var s = itemReader.StringAt(i, trim, itemMin);
            if (s is not null) values.Add(s);
        }
        return values;
    }

    /// <summary>An array whose items are each one of <paramref name="options"/> (zod's <c>z.enum([...]).array()</c>).</summary>
    public IReadOnlyList<string>? Enums(string name, IReadOnlyList<string> options, bool required = false, int? min = null)
    {
        var array = Array(name, required, min, null);
        if (array is null) return null;
        var values = new List<string>(array.Count);
        var expected = string.Join(" | ", options.Select(o => $"'{o}'"));
        for (var i = 0; i < array.Count; i++)
        {
            object[] path = [.. _path, name, i];
            if (array[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                _issues.Add(new ValidationIssue("invalid_type", path, $"Expected {expected}, received {TypeName(array[i])}")
                { Expected = expected, Received = TypeName(array[i]) });
                continue;
            }
            var received = v.GetValue<string>();
            if (options.Contains(received))
            {
                values.Add(received);
                continue;
            }
            _issues.Add(new ValidationIssue("invalid_enum_value", path, $"Invalid enum value. Expected {expected}, received '{received}'")
            {
                Extra = new JsonObject { ["received"] = received, ["options"] = new JsonArray(options.Select(o => (JsonNode?)o).ToArray()) },
            });
        }
        return values;
    }

    private string? StringAt(int index, bool trim, int? min)
    {
        var node = _obj![index.ToString(CultureInfo.InvariantCulture)];
        object[] path = [.. _path, index];
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            _issues.Add(TypeIssue(path, "string", TypeName(node)));
            return null;
        }
        var s = v.GetValue<string>();
        if (trim) s = s.Trim();
        if (s.Contains('\0', StringComparison.Ordinal)) _issues.Add(new ValidationIssue("custom", path, JsonBody.NulMessage));
        if (min is not null && s.Length < min)
            _issues.Add(SizeIssue(path, "too_small", "minimum", min.Value, "string", $"String must contain at least {min} character(s)"));
        return s;
    }

    public JsonArray? Array(string name, bool required = false, int? min = null, int? max = null)
    {
        if (!TryGet(name, out var node))
        {
            if (required) Missing(PathOf(name), "array");
            return null;
        }
        if (node is not JsonArray array)
        {
            _issues.Add(TypeIssue(PathOf(name), "array", TypeName(node)));
            return null;
        }
        if (min is not null && array.Count < min)
            _issues.Add(SizeIssue(PathOf(name), "too_small", "minimum", min.Value, "array", $"Array must contain at least {min} element(s)"));
        if (max is not null && array.Count > max)
            _issues.Add(SizeIssue(PathOf(name), "too_big", "maximum", max.Value, "array", $"Array must contain at most {max} element(s)"));
        return array;
    }

    public Input? Object(string name, bool required = false)
    {
        if (!TryGet(name, out var node))
        {
            if (required) Missing(PathOf(name), "object");
            return null;
        }
        if (node is JsonObject o) return new Input(o, PathOf(name), _issues, _coerce);
        _issues.Add(TypeIssue(PathOf(name), "object", TypeName(node)));
        return null;
    }

    /// <summary>The raw node, for fields with their own parser (permission rules, for instance).</summary>
    public JsonNode? Raw(string name) => _obj is not null && _obj.TryGetPropertyValue(name, out var n) ? n : null;

    public object[] PathOf(string name) => [.. _path, name];

    public void AddIssue(ValidationIssue issue) => _issues.Add(issue);

    /// <summary>A required field is absent; when the object itself is missing, zod reports only that, once.</summary>
    private void Missing(object[] path, string expected)
    {
        if (_obj is not null) _issues.Add(TypeIssue(path, expected, "undefined"));
    }

    // No path here: building it allocates, and it is needed only when an issue is recorded (PathOf).
    private bool TryGet(string name, out JsonNode? node)
    {
        node = null;
        if (_obj is null) return false;
        return _obj.TryGetPropertyValue(name, out node) && !(node is null && _coerce);
    }

    public static ValidationIssue TypeIssue(object[] path, string expected, string received) =>
        new("invalid_type", path, received == "undefined" ? "Required" : $"Expected {expected}, received {received}")
        {
            Expected = expected,
            Received = received,
        };

    public static ValidationIssue SizeIssue(object[] path, string code, string bound, double value, string type, string message) =>
        new(code, path, message)
        {
            Extra = new JsonObject
            {
                [bound] = value,
                ["type"] = type,
                ["inclusive"] = true,
                ["exact"] = false,
            },
        };

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);

    /// <summary>zod's names for what it received.</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "unknown",
        },
        _ => "unknown",
    };
}
