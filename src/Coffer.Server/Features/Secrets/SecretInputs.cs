using System.Text.Json.Nodes;
using Coffer.Server.Features.Folders;
using Coffer.Server.Http;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Secrets;

/// <summary>The zod schemas Infisical's secret routes share, read into Coffer's request records.</summary>
public static class SecretInputs
{
    /// <summary>Infisical's SecretNameSchema (create, rename, batch keys): trimmed, not empty, no ":" or "/".</summary>
    public static string? StrictName(Input input, string field, bool required = true)
    {
        var name = input.String(field, required: required, trim: true, min: 1);
        if (name is not null && (name.Contains(':', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal)))
            input.Fail(SecretNames.ColonOrSlash, field);
        return name;
    }

    /// <summary>
    /// A name a secret is about to take (create, rename, upsert): <see cref="StrictName"/> and <see cref="SecretNames"/>.
    /// Characters such as <c>}</c>, <c>$</c> or a newline would let a name forge a reference when a rename rewrites
    /// references, or break a dotenv line or a shell. Existing rows with other names stay readable and deletable.
    /// </summary>
    public static string? NewName(Input input, string field, bool required = true)
    {
        var before = input.Issues.Count;
        var name = StrictName(input, field, required);
        if (name is not null && input.Issues.Count == before && !SecretNames.IsAllowed(name))
            input.Fail(SecretNames.Rule, field);
        return name;
    }

    /// <summary>A <c>secretPath</c>: default "/", trimmed, one trailing slash removed; Coffer then writes it canonically ("/a/b").</summary>
    public static string Path(Input input, string field = "secretPath", bool optional = false)
    {
        var raw = input.String(field, required: false, trim: true);
        if (raw is null && optional) return "";
        return SecretPath.Normalize(SecretPath.RemoveTrailingSlash(raw ?? "/"));
    }

    /// <summary>Infisical trims values but keeps one trailing newline (PEM files and the like end with one).</summary>
    public static string? Value(Input input, string field = "secretValue", bool required = true)
    {
        var raw = input.String(field, required: required, allowNul: true);
        return raw is null ? null : TrimValue(raw);
    }

    public static string TrimValue(string raw) => raw.EndsWith('\n') ? raw.Trim() + "\n" : raw.Trim();

    public static string Type(Input input) => input.Enum("type", SecretTypes.All, SecretTypes.Shared) ?? SecretTypes.Shared;

    public static IReadOnlyList<MetadataEntry>? Metadata(Input input)
    {
        var items = input.Objects("secretMetadata");
        if (items is null) return null;
        var result = new List<MetadataEntry>();
        foreach (var item in items)
        {
            var key = item.String("key", trim: true, min: 1);
            var value = item.String("value", required: false, fallback: "");
            var encrypted = item.Boolean("isEncrypted", fallback: false);
            if (key is not null) result.Add(new MetadataEntry(key, value ?? "", encrypted ?? false));
        }
        return result;
    }

    public static FieldUpdate<string?> ReminderNote(Input input)
    {
        if (!input.Has("secretReminderNote")) return default(FieldUpdate<string?>);
        var note = input.String("secretReminderNote", required: false, nullable: true);
        if (note is { Length: > 1024 })
            input.AddIssue(Input.SizeIssue(input.PathOf("secretReminderNote"), "too_big", "maximum", 1024, "string",
                "Secret reminder note cannot exceed 1024 characters"));
        return FieldUpdate.Of<string?>(note);
    }

    public static FieldUpdate<long?> ReminderRepeatDays(Input input)
    {
        if (!input.Has("secretReminderRepeatDays")) return default(FieldUpdate<long?>);
        if (input.Raw("secretReminderRepeatDays") is null) return FieldUpdate.Of<long?>(null);
        var days = input.Number("secretReminderRepeatDays");
        return FieldUpdate.Of<long?>(days is { } d ? (long)d : null);
    }

    /// <summary><c>skipMultilineEncoding</c>; v4 create also accepts null (meaning false).</summary>
    public static bool? SkipMultiline(Input input, bool nullable = false)
    {
        if (nullable && input.Has("skipMultilineEncoding") && input.Raw("skipMultilineEncoding") is null) return false;
        return input.Boolean("skipMultilineEncoding");
    }

    /// <summary>The shared body of a single create (and of batch create items, which name the key <c>secretKey</c>).</summary>
    public static SecretInput ForCreate(Input body, bool v4)
    {
        var value = Value(body);
        return new SecretInput
        {
            Value = value,
            Comment = body.String("secretComment", required: false, trim: true, allowNul: true) ?? "",
            Metadata = Metadata(body),
            TagIds = body.Strings("tagIds"),
            SkipMultilineEncoding = SkipMultiline(body, nullable: v4),
            ReminderRepeatDays = ReminderRepeatDays(body),
            ReminderNote = ReminderNote(body),
        };
    }

    public static SecretInput ForUpdate(Input body)
    {
        body.Raw("metadata"); // Infisical's legacy free-form metadata: accepted, not stored.
        body.Strings("secretReminderRecipients");
        return new SecretInput
        {
            Value = Value(body, required: false),
            Comment = body.String("secretComment", required: false, allowNul: true),
            Metadata = Metadata(body),
            TagIds = body.Strings("tagIds"),
            SkipMultilineEncoding = SkipMultiline(body),
            ReminderRepeatDays = ReminderRepeatDays(body),
            ReminderNote = ReminderNote(body),
        };
    }

    /// <summary><c>tagSlugs</c>: comma-separated, each trimmed.</summary>
    public static IReadOnlyList<string> TagSlugs(Input query)
    {
        var raw = query.String("tagSlugs", required: false);
        return string.IsNullOrEmpty(raw) ? [] : raw.Split(',').Select(s => s.Trim()).ToArray();
    }

    /// <summary>Infisical's <c>metadataFilter</c>: <c>key=a,value=b|key=c,value=d</c>, at most 10 pairs.</summary>
    public static IReadOnlyList<(string Key, string Value)> MetadataFilter(Input query)
    {
        var raw = query.String("metadataFilter", required: false);
        if (string.IsNullOrEmpty(raw)) return [];
        var result = new List<(string, string)>();
        foreach (var pair in raw.Split('|'))
        {
            string? key = null, value = null;
            var parts = pair.Split([',', '=']);
            for (var i = 0; i + 1 < parts.Length; i += 2)
            {
                var id = parts[i].Trim().ToLowerInvariant();
                var v = parts[i + 1].Trim();
                if (id == "key" && v.Length > 0) key = v;
                else if (id == "value" && v.Length > 0) value = v;
            }
            if (key is not null && value is not null) result.Add((key, value));
        }
        if (result.Count > 10) query.Fail("You can only filter by up to 10 metadata fields", "metadataFilter");
        return result;
    }

    /// <summary><c>include_imports</c>, or the camelCase <c>includeImports</c> the SDK's getSecret sends.</summary>
    public static bool IncludeImports(Input query) =>
        query.Has("include_imports") || !query.Has("includeImports")
            ? query.BooleanString("include_imports", false) ?? false
            : query.BooleanString("includeImports", false) ?? false;

    /// <summary><c>includePersonalOverrides</c>: absent keeps both rows; <c>true</c> lets the override win; <c>false</c> drops it.</summary>
    public static PersonalOverrides PersonalOverrides(Input query) =>
        !query.Has("includePersonalOverrides") ? Secrets.PersonalOverrides.Both
            : query.BooleanString("includePersonalOverrides", false) == true ? Secrets.PersonalOverrides.Priority : Secrets.PersonalOverrides.Never;

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
