namespace Coffer.Server.Permissions;

/// <summary>
/// The legacy "is the actor at least as privileged as the role it grants" comparison, rule by rule and condition by
/// condition, with the semantics of Infisical's backend/src/lib/casl/boundary.ts: a target rule is covered when some
/// allowing actor rule's conditions contain it and no forbidding actor rule may overlap it. Where containment cannot be
/// proven the answer is "not covered", which is the safe side for a privilege check.
/// </summary>
internal static class PermissionBoundaryCheck
{
    // Infisical ignores folder reads, which every role implies through secret access.
    private static bool IsIgnored(string action, string subject) =>
        action == PermissionAction.Read && subject == ProjectSubject.SecretFolders;

    public static IReadOnlyList<MissingPermissionEntry> FindMissing(PermissionSet actor, PermissionSet target)
    {
        var missing = new List<MissingPermissionEntry>();
        var checkedPairs = new HashSet<(string Action, string Subject)>();
        foreach (var targetRule in target.Rules)
        {
            var subject = targetRule.Subject;
            var actions = targetRule.Actions.Where(a => !checkedPairs.Contains((a, subject)) && !IsIgnored(a, subject)).ToList();
            foreach (var action in actions)
            {
                var actorRules = actor.RulesFor(action, subject);
                if (!actorRules.Any(r => !r.Inverted))
                {
                    missing.Add(new MissingPermissionEntry(action, subject));
                    continue;
                }
                var uncovered = FirstUncovered(actorRules, target.RulesFor(action, subject));
                if (uncovered is not null)
                    missing.Add(new MissingPermissionEntry(action, subject, uncovered.Conditions));
            }
            foreach (var action in actions)
                checkedPairs.Add((action, subject));
        }
        return missing;
    }

    private static PermissionRule? FirstUncovered(IReadOnlyList<PermissionRule> actorRules, IReadOnlyList<PermissionRule> targetRules)
    {
        if (actorRules.All(r => !r.Inverted && r.Conditions is null))
            return null;

        foreach (var targetRule in targetRules)
        {
            var covered = actorRules.Any(r => !r.Inverted && Contains(r.Conditions, targetRule.Conditions));
            var denied = actorRules.Any(r => r.Inverted && MayOverlap(r.Conditions, targetRule.Conditions));
            if (!covered || denied)
                return targetRule;
        }
        return null;
    }

    // Every field the actor rule constrains must be constrained at least as tightly by the target rule.
    private static bool Contains(RuleConditions? actor, RuleConditions? target)
    {
        if (actor is null)
            return true;
        foreach (var field in actor.Fields)
        {
            var targetField = FindField(target, field.Field);
            if (targetField is null || !OperatorSet.From(field).Contains(OperatorSet.From(targetField)))
                return false;
        }
        return true;
    }

    // Conditions are an AND of fields, so one field proven disjoint proves the rules never meet.
    private static bool MayOverlap(RuleConditions? deny, RuleConditions? target)
    {
        if (deny is null)
            return true;
        foreach (var field in deny.Fields)
        {
            var targetField = FindField(target, field.Field);
            if (targetField is not null && OperatorSet.From(field).IsDisjointFrom(OperatorSet.From(targetField)))
                return false;
        }
        return true;
    }

    /// <summary>The target's condition on a field, treated as absent when it is an empty shorthand (JS falsiness).</summary>
    private static FieldCondition? FindField(RuleConditions? conditions, string name)
    {
        if (conditions is null)
            return null;
        foreach (var field in conditions.Fields)
        {
            if (field.Field == name)
                return field.Shorthand && string.IsNullOrEmpty(field.Tests[0].Value) ? null : field;
        }
        return null;
    }

    private sealed record OperatorSet(string? Eq, string? Ne, string[]? In, string? Glob, bool HasOtherOperators)
    {
        public static OperatorSet From(FieldCondition field)
        {
            string? eq = null, ne = null, glob = null;
            string[]? @in = null;
            var other = false;
            foreach (var test in field.Tests)
            {
                switch (test.Operator)
                {
                    case Op.Eq: eq = test.Value; break;
                    case Op.Ne: ne = test.Value; break;
                    case Op.In: @in = test.Values; break;
                    case Op.Glob: glob = test.Value; break;
                    default: other = true; break;
                }
            }
            return new OperatorSet(eq, ne, @in, glob, other);
        }

        private static bool Truthy(string? value) => !string.IsNullOrEmpty(value);

        private static bool GlobMatches(string pattern, string value) => GlobPattern.Get(pattern).IsMatch(value);

        /// <summary>Whether every value <paramref name="subset"/> admits is admitted by this set.</summary>
        public bool Contains(OperatorSet subset)
        {
            if (Truthy(subset.Eq) || Truthy(subset.Ne))
            {
                var value = Truthy(subset.Eq) ? subset.Eq! : subset.Ne!;
                var negative = !Truthy(subset.Eq);
                if (negative && (Truthy(Eq) || In is not null))
                    return false;
                if (Truthy(Eq) && negative != (Eq != value))
                    return false;
                if (Truthy(Ne) && negative != (Ne == value))
                    return false;
                if (In is not null && negative != !In.Contains(value))
                    return false;
                if (Truthy(Glob) && (negative || !GlobMatches(Glob!, value)))
                    return false;
            }
            if (subset.In is not null)
            {
                if (Truthy(Eq) && (subset.In.Length != 1 || subset.In[0] != Eq))
                    return false;
                if (Truthy(Ne) && subset.In.Contains(Ne))
                    return false;
                if (In is not null && !subset.In.All(In.Contains))
                    return false;
                if (Truthy(Glob) && !subset.In.All(v => GlobMatches(Glob!, v)))
                    return false;
            }
            if (Truthy(subset.Glob))
            {
                var glob = subset.Glob!;
                // A real glob is wider than any fixed value, so only a glob or a $ne on the actor side can contain it.
                if (LooksLikeGlob(glob) && (Eq is not null || In is not null || HasOtherOperators))
                    return false;
                if (Truthy(Eq) && Eq != glob)
                    return false;
                if (Truthy(Ne) && GlobMatches(glob, Ne!))
                    return false;
                if (In is not null && !In.Contains(glob))
                    return false;
                if (Truthy(Glob) && !GlobContainment.IsSubset(Glob!, glob))
                    return false;
            }
            return true;
        }

        /// <summary>True only when the two sets provably share no value.</summary>
        public bool IsDisjointFrom(OperatorSet b)
        {
            var a = this;
            if (a.Eq is not null && b.Eq is not null) return a.Eq != b.Eq;
            if (a.Eq is not null && b.Ne is not null) return a.Eq == b.Ne;
            if (b.Eq is not null && a.Ne is not null) return b.Eq == a.Ne;
            if (a.Eq is not null && b.In is not null) return !b.In.Contains(a.Eq);
            if (b.Eq is not null && a.In is not null) return !a.In.Contains(b.Eq);
            if (a.Eq is not null && b.Glob is not null) return !GlobMatches(b.Glob, a.Eq);
            if (b.Eq is not null && a.Glob is not null) return !GlobMatches(a.Glob, b.Eq);
            if (a.In is not null && b.In is not null) return !a.In.Any(b.In.Contains);
            if (a.In is not null && b.Glob is not null) return !a.In.Any(v => GlobMatches(b.Glob, v));
            if (b.In is not null && a.Glob is not null) return !b.In.Any(v => GlobMatches(a.Glob, v));
            if (a.In is not null && b.Ne is not null) return a.In.All(v => v == b.Ne);
            if (b.In is not null && a.Ne is not null) return b.In.All(v => v == a.Ne);
            if (a.Glob is not null && b.Glob is not null) return GlobContainment.HaveDisjointLiteralPrefixes(a.Glob, b.Glob);
            if (a.Glob is not null && b.Ne is not null) return a.Glob == b.Ne;
            if (b.Glob is not null && a.Ne is not null) return b.Glob == a.Ne;
            return false;
        }

        private static bool LooksLikeGlob(string pattern) =>
            pattern.AsSpan().IndexOfAny("*?[{(") >= 0 || pattern.StartsWith('!');
    }
}
