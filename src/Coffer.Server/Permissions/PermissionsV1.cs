namespace Coffer.Server.Permissions;

/// <summary>
/// The deprecated V1 rule form of custom roles (Terraform's <c>infisical_project_role</c> with <c>permissions</c>), turned
/// into the rules Coffer stores and back, as Infisical's <c>backfillPermissionV1SchemaToV2Schema</c> and
/// <c>SanitizedRoleSchemaV1</c> do.
/// </summary>
public static class PermissionsV1
{
    /// <summary>
    /// What a V1 secrets rule meant before secrets, folders, imports and dynamic secrets were separate subjects: the
    /// same rule on imports, folders (less <c>read</c>, unless the role has its own folder rule) and dynamic secrets (the
    /// root-credential actions, and <c>lease</c> with <c>edit</c>), and <c>readValue</c> wherever it had <c>read</c>.
    /// Infisical appends the widened secrets rule next to the original; Coffer widens it in place, which grants the same.
    /// </summary>
    /// <param name="keepFolderRules">
    /// Roles keep the rules they give on folders; privileges drop them, as Infisical's privilege routes call the backfill
    /// without <c>dontRemoveReadFolderPermission</c>.
    /// </param>
    public static IReadOnlyList<PermissionRule> Backfill(IReadOnlyList<PermissionRule> rules, bool keepFolderRules = true)
    {
        var result = new List<PermissionRule>(rules.Count * 2);
        var secretRules = new List<PermissionRule>();
        var hasFolderRule = false;
        foreach (var rule in rules)
        {
            hasFolderRule |= rule.Subject == ProjectSubject.SecretFolders;
            if (rule.Subject == ProjectSubject.SecretFolders && !keepFolderRules)
                continue;
            if (rule.Subject != ProjectSubject.Secrets)
            {
                result.Add(rule);
                continue;
            }
            secretRules.Add(rule);
            result.Add(rule.Actions.Contains(PermissionAction.DescribeAndReadValue) && !rule.Actions.Contains(PermissionAction.ReadValue)
                ? new PermissionRule(rule.Subject, [.. rule.Actions, PermissionAction.ReadValue], rule.Conditions, rule.Inverted)
                : rule);
        }

        foreach (var rule in secretRules)
            result.Add(new PermissionRule(ProjectSubject.SecretImports, rule.Actions, rule.Conditions, rule.Inverted));
        foreach (var rule in secretRules)
        {
            var actions = rule.Actions.Select(RootCredentialAction).ToList();
            if (rule.Actions.Contains(PermissionAction.Edit)) actions.Add(PermissionAction.Lease);
            result.Add(new PermissionRule(ProjectSubject.DynamicSecrets, actions, rule.Conditions, rule.Inverted));
        }
        if (!hasFolderRule)
        {
            foreach (var rule in secretRules)
            {
                var actions = rule.Actions.Where(a => a != PermissionAction.Read).ToArray();
                if (actions.Length > 0) result.Add(new PermissionRule(ProjectSubject.SecretFolders, actions, rule.Conditions, rule.Inverted));
            }
        }
        return result;
    }

    /// <summary>Rules as the V1 routes show them: folder rules reduced to <c>read</c>, no import or dynamic-secret rules.</summary>
    public static IEnumerable<PermissionRule> ForV1Response(IEnumerable<PermissionRule> rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Subject is ProjectSubject.DynamicSecrets or ProjectSubject.SecretImports) continue;
            if (rule.Subject != ProjectSubject.SecretFolders)
            {
                yield return rule;
                continue;
            }
            if (rule.Actions.Contains(PermissionAction.Read))
                yield return new PermissionRule(rule.Subject, [PermissionAction.Read], rule.Conditions, rule.Inverted);
        }
    }

    /// <summary>The subjects the backfill derives from secrets rules, which V1 privilege responses leave out.</summary>
    public static bool IsDerivedSubject(string subject) =>
        subject is ProjectSubject.DynamicSecrets or ProjectSubject.SecretImports or ProjectSubject.SecretFolders;

    private static string RootCredentialAction(string action) => action switch
    {
        PermissionAction.Edit => "edit-root-credential",
        PermissionAction.Create => "create-root-credential",
        PermissionAction.Delete => "delete-root-credential",
        _ => "read-root-credential",
    };
}
