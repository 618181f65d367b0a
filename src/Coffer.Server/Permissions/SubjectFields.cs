namespace Coffer.Server.Permissions;

/// <summary>A condition field's value on the object being checked: one string, or a list such as a secret's tag slugs.</summary>
public readonly struct FieldValue
{
    private FieldValue(string? text, IReadOnlyList<string>? list, IReadOnlyList<KeyValuePair<string, string>>? pairs = null)
    {
        Text = text;
        List = list;
        Pairs = pairs;
    }

    public string? Text { get; }

    public IReadOnlyList<string>? List { get; }

    /// <summary>Key-value objects, as a dynamic secret's metadata (matched by <c>$elemMatch</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Pairs { get; }

    public static FieldValue FromPairs(IReadOnlyList<KeyValuePair<string, string>> pairs) => new(null, null, pairs);

    public static implicit operator FieldValue(string value) => new(value, null);

    public static FieldValue FromString(string value) => new(value, null);

    public static FieldValue FromList(IReadOnlyList<string> values) => new(null, values);
}

/// <summary>The fields of the object a permission is checked against (CASL's <c>subject(type, fields)</c>).</summary>
public interface ISubjectFields
{
    bool TryGet(string field, out FieldValue value);
}

/// <summary>A handful of named fields. Lookup is a linear scan: objects carry at most four or five fields.</summary>
public sealed class SubjectFields(params (string Name, FieldValue Value)[] fields) : ISubjectFields
{
    /// <summary>
    /// A secret's fields, in a struct rather than the general list: lists check every secret they return (and every
    /// reference they expand), and those objects were a tenth of what a list of 100 allocated.
    /// </summary>
    public static SecretSubject Secret(string environment, string secretPath, string? secretName = null, IReadOnlyList<string>? secretTags = null) =>
        new(environment, secretPath, secretName, secretTags);

    /// <summary>Folders, imports, syncs and rotations are checked on environment and path only.</summary>
    public static SubjectFields EnvironmentAndPath(string environment, string secretPath) =>
        new(("environment", environment), ("secretPath", secretPath));

    public static SubjectFields Identity(string identityId) => new(("identityId", identityId));

    /// <summary>A dynamic secret: its folder's environment and path, and its metadata for <c>$elemMatch</c> conditions.</summary>
    public static SubjectFields DynamicSecret(string environment, string secretPath, IReadOnlyList<KeyValuePair<string, string>> metadata) =>
        new(("environment", environment), ("secretPath", secretPath), ("metadata", FieldValue.FromPairs(metadata)));

    public bool TryGet(string field, out FieldValue value)
    {
        foreach (var (name, fieldValue) in fields)
        {
            if (string.Equals(name, field, StringComparison.Ordinal))
            {
                value = fieldValue;
                return true;
            }
        }
        value = default;
        return false;
    }
}

public readonly struct SecretSubject(string environment, string secretPath, string? secretName, IReadOnlyList<string>? secretTags)
    : ISubjectFields
{
    public bool TryGet(string field, out FieldValue value)
    {
        value = field switch
        {
            "environment" => environment,
            "secretPath" => secretPath,
            "secretName" when secretName is not null => secretName,
            "secretTags" when secretTags is not null => FieldValue.FromList(secretTags),
            _ => default,
        };
        return value.Text is not null || value.List is not null;
    }
}
