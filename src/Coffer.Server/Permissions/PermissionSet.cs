using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Coffer.Server.Http;

namespace Coffer.Server.Permissions;

/// <summary>
/// An actor's combined rules in one scope, indexed for checks. Build it once per actor and project (or org) and ask it
/// many times: a check is two dictionary lookups and a walk over the few rules for that action and subject.
/// <para>
/// Evaluation is CASL's: the rules for the action and subject are tried from the last defined to the first, and the first
/// that applies decides (an inverted one forbids). A rule with conditions applies to an object whose fields satisfy them;
/// when only the subject type is checked (no fields), a conditional rule counts as a grant and a conditional inverted rule
/// is skipped, because CASL answers "can this actor do it to some object of the type?".
/// </para>
/// </summary>
public sealed class PermissionSet
{
    private static readonly PermissionRule[] NoRules = [];
    private readonly Dictionary<string, Dictionary<string, PermissionRule[]>> _index;

    private PermissionSet(List<PermissionRule> rules)
    {
        Rules = rules;
        var building = new Dictionary<string, Dictionary<string, List<PermissionRule>>>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (!building.TryGetValue(rule.Subject, out var byAction))
                building[rule.Subject] = byAction = new Dictionary<string, List<PermissionRule>>(StringComparer.Ordinal);
            foreach (var action in rule.Actions)
            {
                if (!byAction.TryGetValue(action, out var list))
                    byAction[action] = list = [];
                list.Add(rule);
            }
        }

        _index = new Dictionary<string, Dictionary<string, PermissionRule[]>>(building.Count, StringComparer.Ordinal);
        foreach (var (subject, byAction) in building)
        {
            var frozen = new Dictionary<string, PermissionRule[]>(byAction.Count, StringComparer.Ordinal);
            foreach (var (action, list) in byAction)
            {
                list.Reverse();
                frozen[action] = [.. list];
            }
            _index[subject] = frozen;
        }
    }

    /// <summary>Every rule in definition order, placeholders already rendered for the actor.</summary>
    public IReadOnlyList<PermissionRule> Rules { get; }

    /// <summary>
    /// Concatenates the rule lists in order (roles, then additional privileges) and renders <c>{{identity.…}}</c>
    /// placeholders for <paramref name="actor"/>. Pass no actor where Infisical does not template (organization scope).
    /// </summary>
    public static PermissionSet Build(IEnumerable<IReadOnlyList<PermissionRule>> ruleLists, ActorTemplateContext? actor = null)
    {
        // One list and nothing to render (a built-in role, most often) always indexes the same way, so index it once.
        if (ruleLists is IReadOnlyList<IReadOnlyList<PermissionRule>> { Count: 1 } single && (actor is null || !HasPlaceholders(single[0])))
            return SingleListCache.GetValue(single[0], list => new PermissionSet([.. list]));

        var rules = new List<PermissionRule>();
        foreach (var list in ruleLists)
        {
            foreach (var rule in list)
            {
                rules.Add(actor is not null && rule.Conditions is { HasPlaceholders: true } conditions
                    ? rule.WithConditions(conditions.Render(actor))
                    : rule);
            }
        }
        return new PermissionSet(rules);
    }

    /// <summary>One list of rules, as Infisical builds a role's own permission set for the privilege boundary.</summary>
    public static PermissionSet FromRules(IReadOnlyList<PermissionRule> rules) => Build([rules]);

    /// <summary>No rules: every check is refused. Built on first use (Build needs the type's other statics).</summary>
    public static PermissionSet Empty => EmptyHolder.Value;

    private static class EmptyHolder
    {
        public static readonly PermissionSet Value = FromRules([]);
    }

    private static readonly ConditionalWeakTable<IReadOnlyList<PermissionRule>, PermissionSet> SingleListCache = new();

    private static bool HasPlaceholders(IReadOnlyList<PermissionRule> rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Conditions is { HasPlaceholders: true })
                return true;
        }
        return false;
    }

    /// <summary>The rules for an action on a subject, highest priority (last defined) first; CASL's <c>rulesFor</c>.</summary>
    public IReadOnlyList<PermissionRule> RulesFor(string action, string subject) =>
        _index.TryGetValue(subject, out var byAction) && byAction.TryGetValue(action, out var rules) ? rules : NoRules;

    public bool Can(string action, string subject, ISubjectFields? fields = null) =>
        fields is null ? Evaluate(action, subject, NoFields.Instance, typeOnly: true) : Evaluate(action, subject, fields, typeOnly: false);

    /// <summary>The same check on fields held in a struct (a listed secret's), which then need no object per check.</summary>
    public bool Can<TFields>(string action, string subject, in TFields fields) where TFields : struct, ISubjectFields =>
        Evaluate(action, subject, fields, typeOnly: false);

    private bool Evaluate<TFields>(string action, string subject, in TFields fields, bool typeOnly) where TFields : ISubjectFields
    {
        if (!_index.TryGetValue(subject, out var byAction) || !byAction.TryGetValue(action, out var rules))
            return false;
        foreach (var rule in rules)
        {
            if (rule.Conditions is null)
                return !rule.Inverted;
            if (typeOnly)
            {
                if (!rule.Inverted)
                    return true;
                continue;
            }
            if (rule.Conditions.Matches(fields))
                return !rule.Inverted;
        }
        return false;
    }

    private sealed class NoFields : ISubjectFields
    {
        public static readonly NoFields Instance = new();

        public bool TryGet(string field, out FieldValue value)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Throws 403 <c>PermissionDenied</c> "You are not allowed to {action} on {subject}" with Infisical's details.</summary>
    public void Require(string action, string subject, ISubjectFields? fields = null)
    {
        if (!Can(action, subject, fields))
            throw new PermissionDeniedException(action, subject, DenialDetails(action, subject));
    }

    /// <summary>
    /// What Infisical's error handler sends as <c>details</c> for a CASL denial: every rule for the action and subject,
    /// matching or not, in priority order, each as <c>{action, inverted, subject, conditions?}</c>.
    /// </summary>
    public JsonArray DenialDetails(string action, string subject)
    {
        var details = new JsonArray();
        foreach (var rule in RulesFor(action, subject))
            details.Add(rule.ToDenialDetail());
        return details;
    }

    /// <summary>
    /// <c>describeSecret</c> or <c>readValue</c>, also granted by the legacy <c>read</c> action
    /// (Infisical's <c>hasSecretReadValueOrDescribePermission</c>).
    /// </summary>
    public bool CanAccessSecret(string action, ISubjectFields? fields = null) =>
        Can(action, ProjectSubject.Secrets, fields) || Can(PermissionAction.DescribeAndReadValue, ProjectSubject.Secrets, fields);

    /// <inheritdoc cref="CanAccessSecret(string, ISubjectFields?)"/>
    public bool CanAccessSecret(string action, in SecretSubject fields) =>
        Can(action, ProjectSubject.Secrets, fields) || Can(PermissionAction.DescribeAndReadValue, ProjectSubject.Secrets, fields);

    /// <summary>
    /// Like <see cref="CanAccessSecret"/> but throws; the denial names <paramref name="action"/>, not the legacy <c>read</c>
    /// (Infisical's <c>throwIfMissingSecretReadValueOrDescribePermission</c>).
    /// </summary>
    public void RequireSecretAccess(string action, ISubjectFields? fields = null)
    {
        if (!Can(PermissionAction.DescribeAndReadValue, ProjectSubject.Secrets, fields))
            Require(action, ProjectSubject.Secrets, fields);
    }
}
