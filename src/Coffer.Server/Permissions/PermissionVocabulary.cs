using System.Collections.Frozen;

namespace Coffer.Server.Permissions;

/// <summary>One condition field a subject accepts, with the operators Infisical's schema lists for it (in schema order).</summary>
internal sealed record FieldSpec(string Name, string[] Operators)
{
    /// <summary>False where the schema only takes an operator object (<c>secretTags</c>, <c>metadata</c>).</summary>
    public bool AllowsShorthand { get; init; } = true;

    /// <summary>Path fields must start with '/' in <c>$eq</c>, <c>$ne</c>, <c>$in</c> and the shorthand; <c>$glob</c> is exempt.</summary>
    public bool IsPath { get; init; }

    /// <summary>Dynamic-secret metadata: <c>{$elemMatch: {key?: ops, value?: ops}}</c>.</summary>
    public bool IsElemMatch { get; init; }
}

/// <summary>A subject, its valid actions (enum order, which zod prints in errors) and what rules on it may carry.</summary>
internal sealed record SubjectSpec(string Name, string[] Actions, bool AllowsInverted, FieldSpec[]? ConditionFields)
{
    public bool AllowsConditions => ConditionFields is not null;
}

/// <summary>The set of subjects one permission scope (project or organization) understands.</summary>
internal sealed class PermissionVocabulary
{
    private readonly FrozenDictionary<string, SubjectSpec> _bySubject;

    public PermissionVocabulary(SubjectSpec[] subjects)
    {
        Subjects = subjects;
        _bySubject = subjects.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);
        SubjectNames = [.. subjects.Select(s => s.Name)];
    }

    /// <summary>In the order of Infisical's discriminated union, which is the order its error message lists them in.</summary>
    public IReadOnlyList<SubjectSpec> Subjects { get; }

    public string[] SubjectNames { get; }

    public SubjectSpec? Find(string subject) => _bySubject.GetValueOrDefault(subject);
}

/// <summary>Operator names as they appear in condition JSON.</summary>
internal static class Op
{
    public const string Eq = "$eq";
    public const string Ne = "$ne";
    public const string In = "$in";
    public const string Glob = "$glob";
    public const string ElemMatch = "$elemMatch";

    public static readonly string[] EqNeIn = [Eq, Ne, In];
    public static readonly string[] EqNeInGlob = [Eq, Ne, In, Glob];
}
