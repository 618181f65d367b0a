namespace Coffer.Server.Permissions;

/// <summary>One scope of a legacy service token: an environment and a secret path glob.</summary>
public sealed record ServiceTokenScope(string Environment, string SecretPath);

/// <summary>
/// The rules a legacy service token (<c>st.…</c>) acts with, as Infisical's <c>buildServiceTokenProjectPermission</c> builds
/// them: per scope, on secrets, secret imports and folders, <c>edit</c>/<c>create</c>/<c>delete</c> when the token may
/// write and the legacy <c>read</c> when it may read, each limited to the scope's environment and path glob.
/// </summary>
public static class ServiceTokenRules
{
    private static readonly string[] Subjects = [ProjectSubject.Secrets, ProjectSubject.SecretImports, ProjectSubject.SecretFolders];

    /// <param name="permissions">The token's permission words: <c>read</c> and/or <c>write</c>.</param>
    public static IReadOnlyList<PermissionRule> For(IEnumerable<ServiceTokenScope> scopes, IReadOnlyCollection<string> permissions)
    {
        var canWrite = permissions.Contains("write");
        var canRead = permissions.Contains("read");
        var rules = new List<PermissionRule>();
        foreach (var scope in scopes)
        {
            foreach (var subject in Subjects)
            {
                if (canWrite)
                {
                    rules.Add(ScopedRule(subject, PermissionAction.Edit, scope));
                    rules.Add(ScopedRule(subject, PermissionAction.Create, scope));
                    rules.Add(ScopedRule(subject, PermissionAction.Delete, scope));
                }
                if (canRead)
                    rules.Add(ScopedRule(subject, PermissionAction.Read, scope));
            }
        }
        return rules;
    }

    private static PermissionRule ScopedRule(string subject, string action, ServiceTokenScope scope) =>
        PermissionRule.BuiltIn(subject, action).WithConditions(new RuleConditions(
        [
            new FieldCondition("secretPath", false, [ConditionTest.Single(Op.Glob, scope.SecretPath)]),
            new FieldCondition("environment", true, [ConditionTest.Single(Op.Eq, scope.Environment)]),
        ]));
}
