using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>The built-in roles against the contract's table (infisical-api.md §8.2) and Infisical's default-roles.ts.</summary>
public class BuiltInRoleTests
{
    private static PermissionSet Role(string slug) => PermissionSet.Build([ProjectRoles.BuiltIn(slug)!]);

    private const string All = "read,create,edit,delete";

    public static TheoryData<string, string, string, string> ProjectMatrix => new()
    {
        // role, subject, actions allowed, actions denied
        { "admin", "secrets", "read,describeSecret,readValue,create,edit,delete", "" },
        { "member", "secrets", "read,describeSecret,readValue,create,edit,delete", "" },
        { "viewer", "secrets", "describeSecret,readValue", "read,create,edit,delete" },
        { "no-access", "secrets", "", "read,describeSecret,readValue,create,edit,delete" },

        { "admin", "secret-folders", All, "" },
        { "member", "secret-folders", All, "" },
        { "viewer", "secret-folders", "read", "create,edit,delete" },
        { "admin", "secret-imports", All, "" },
        { "member", "secret-imports", All, "" },
        { "viewer", "secret-imports", "read", "create,edit,delete" },

        { "admin", "identity", "read,create,edit,delete,grant-privileges,assume-privileges,get-token,create-token,delete-token,revoke-auth", "" },
        { "member", "identity", All, "grant-privileges,assume-privileges,get-token,create-token,delete-token,revoke-auth" },
        { "viewer", "identity", "read", "create,edit,delete,grant-privileges" },
        { "no-access", "identity", "", "read,create,edit,delete,grant-privileges" },

        { "admin", "member", All + ",grant-privileges,assume-privileges", "" },
        { "member", "member", "read,create", "edit,delete,grant-privileges,assume-privileges" },
        { "viewer", "member", "read", "create,edit,delete" },

        { "admin", "groups", All + ",grant-privileges", "" },
        { "member", "groups", "read", "create,edit,delete,grant-privileges" },
        { "viewer", "groups", "read", "create" },

        { "admin", "role", All, "" },
        { "member", "role", "read", "create,edit,delete" },
        { "viewer", "role", "read", "create,edit,delete" },

        { "admin", "environments", All, "" },
        { "member", "environments", All, "" },
        { "viewer", "environments", "read", "create,edit,delete" },
        { "admin", "tags", All, "" },
        { "member", "tags", All, "" },
        { "viewer", "tags", "read", "create,edit,delete" },
        { "admin", "settings", All, "" },
        { "member", "settings", All, "" },
        { "viewer", "settings", "read", "create,edit,delete" },
        { "member", "service-tokens", All, "" },
        { "viewer", "service-tokens", "read", "create" },
        { "member", "webhooks", All, "" },
        { "viewer", "webhooks", "read", "edit" },
        { "member", "integrations", All, "" },
        { "viewer", "integrations", "read", "delete" },

        { "admin", "workspace", "edit,delete", "read,create" },
        { "member", "workspace", "", "edit,delete" },
        { "viewer", "workspace", "", "edit,delete" },

        { "admin", "audit-logs", "read", "create,edit,delete" },
        { "member", "audit-logs", "read", "create" },
        { "viewer", "audit-logs", "read", "create" },

        { "admin", "ip-allowlist", All, "" },
        { "member", "ip-allowlist", "read", "create,edit,delete" },
        { "viewer", "ip-allowlist", "read", "edit" },

        { "admin", "secret-rollback", "read,create", "" },
        { "member", "secret-rollback", "read,create", "" },
        { "viewer", "secret-rollback", "read", "create" },

        { "admin", "secret-approval", All, "" },
        { "member", "secret-approval", "read", "create,edit,delete" },
        { "viewer", "secret-approval", "read", "edit" },

        { "admin", "kms", "edit", "" },
        { "member", "kms", "", "edit" },
        { "viewer", "kms", "", "edit" },

        { "admin", "cmek", "read,create,edit,delete,encrypt,decrypt,sign,verify", "" },
        { "member", "cmek", "read,create,edit,delete,encrypt,decrypt,sign,verify", "" },
        { "viewer", "cmek", "read", "create,encrypt,decrypt" },

        { "admin", "commits", "read,perform-rollback", "" },
        { "member", "commits", "read,perform-rollback", "" },
        { "viewer", "commits", "read", "perform-rollback" },
        { "admin", "dynamic-secrets", "read-root-credential,create-root-credential,edit-root-credential,delete-root-credential,lease", "" },
        { "viewer", "dynamic-secrets", "read-root-credential", "lease" },
        { "member", "secret-rotation", "read", "create,rotate-secrets" },
        { "member", "app-connections", "connect-app-connections", "read-app-connections" },

        { "ssh-host-bootstrapper", "ssh-hosts", "create,issue-host-cert", "read,edit,delete" },
        { "ssh-host-bootstrapper", "secrets", "", "read,readValue" },
        { "cryptographic-operator", "cmek", "encrypt,decrypt,sign,verify", "read,create,edit,delete" },
        { "cryptographic-operator", "secrets", "", "readValue" },
    };

    [Theory]
    [MemberData(nameof(ProjectMatrix))]
    public void ProjectRoleGrantsExactlyTheseActions(string role, string subject, string allowed, string denied)
    {
        var set = Role(role);
        foreach (var action in allowed.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.True(set.Can(action, subject, SubjectFields.Secret("prod", "/deep/path", "X")), $"{role} should {action} {subject}");
        foreach (var action in denied.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.False(set.Can(action, subject), $"{role} should not {action} {subject}");
    }

    [Fact]
    public void NoAccessHasNoRules() => Assert.Empty(ProjectRoles.BuiltIn("no-access")!);

    [Fact]
    public void RuleCountsAndOrderMatchDefaultRoles()
    {
        var admin = ProjectRoles.BuiltIn("admin")!;
        Assert.Equal(49, admin.Count);
        Assert.Equal(ProjectSubject.SecretFolders, admin[0].Subject);
        Assert.Equal(["read", "edit", "create", "delete"], admin[0].Actions);
        Assert.Equal(ProjectSubject.ApprovalRequestGrants, admin[^1].Subject);

        var member = ProjectRoles.BuiltIn("member")!;
        Assert.Equal(43, member.Count);
        Assert.Equal(["describeSecret", "read", "readValue", "edit", "create", "delete"], member[0].Actions);

        Assert.Equal(35, ProjectRoles.BuiltIn("viewer")!.Count);
    }

    [Fact]
    public void EveryBuiltInRuleUsesTheVocabulary()
    {
        foreach (var slug in new[] { "admin", "member", "viewer", "ssh-host-bootstrapper", "cryptographic-operator" })
        {
            foreach (var rule in ProjectRoles.BuiltIn(slug)!)
            {
                var spec = ProjectPermissionVocabulary.Instance.Find(rule.Subject);
                Assert.NotNull(spec);
                Assert.All(rule.Actions, action => Assert.Contains(action, spec.Actions));
            }
        }
        foreach (var slug in new[] { "admin", "member" })
        {
            foreach (var rule in OrgRoles.BuiltIn(slug)!)
            {
                var spec = OrgPermissionVocabulary.Instance.Find(rule.Subject);
                Assert.NotNull(spec);
                Assert.All(rule.Actions, action => Assert.Contains(action, spec.Actions));
            }
        }
    }

    [Theory]
    [InlineData("admin", true)]
    [InlineData("member", true)]
    [InlineData("viewer", true)]
    [InlineData("no-access", true)]
    [InlineData("ssh-host-bootstrapper", true)]
    [InlineData("cryptographic-operator", true)]
    [InlineData("custom", false)]
    [InlineData("Admin", false)]
    [InlineData("billing-team", false)]
    public void BuiltInSlugs(string slug, bool builtIn)
    {
        Assert.Equal(builtIn, ProjectRoles.IsBuiltIn(slug));
        Assert.Equal(builtIn, ProjectRoles.BuiltIn(slug) is not null);
    }

    [Fact]
    public void ReservedSlugsIncludeCustom()
    {
        Assert.Equal(["admin", "member", "custom", "viewer", "no-access", "ssh-host-bootstrapper", "cryptographic-operator"], ProjectRoles.ReservedSlugs);
        Assert.True(ProjectRoles.IsReservedSlug("custom"));
        Assert.False(ProjectRoles.IsReservedSlug("developers"));
        Assert.Equal("Please choose a different slug, the slug you have entered is reserved", ProjectRoles.ReservedSlugMessage);
        Assert.Equal(["admin", "member", "no-access", "custom"], OrgRoles.ReservedSlugs);
    }

    [Fact]
    public void PredefinedRolesAsTheRoleListShowsThem()
    {
        Assert.Equal(["admin", "member", "viewer", "no-access"], ProjectRoles.Predefined.Select(r => r.Slug));
        Assert.Equal(["Admin", "Member", "Viewer", "No Access"], ProjectRoles.Predefined.Select(r => r.Name));
        Assert.Same(ProjectRoles.BuiltIn("viewer"), ProjectRoles.Predefined[2].Rules);
    }

    public static TheoryData<string, string, string, string> OrgMatrix => new()
    {
        { "admin", "identity", "read,create,edit,delete,grant-privileges,revoke-auth,create-token,get-token,delete-token", "assume-privileges" },
        { "member", "identity", "read,create,edit,delete", "grant-privileges,revoke-auth,create-token" },
        { "no-access", "identity", "", "read,create" },
        { "admin", "workspace", "create", "" },
        { "member", "workspace", "create", "" },
        { "admin", "project", "create", "" },
        { "member", "project", "create", "" },
        { "no-access", "project", "", "create" },
        { "admin", "member", All, "" },
        { "member", "member", "read", "create,edit,delete" },
        { "admin", "role", All, "" },
        { "member", "role", "read", "create,edit,delete" },
        { "admin", "settings", All, "" },
        { "member", "settings", "read", "edit" },
        { "admin", "audit-logs", "read", "" },
        { "member", "audit-logs", "read", "" },
        { "admin", "groups", "read,create,edit,delete,grant-privileges,add-identities,add-members,remove-members,remove-identities", "" },
        { "member", "groups", "read", "create,grant-privileges" },
        { "member", "secret-scanning", All, "" },
        { "member", "billing", "read", "manage-billing" },
    };

    [Theory]
    [MemberData(nameof(OrgMatrix))]
    public void OrgRoleGrantsExactlyTheseActions(string role, string subject, string allowed, string denied)
    {
        var set = PermissionSet.Build([OrgRoles.BuiltIn(role)!]);
        foreach (var action in allowed.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.True(set.Can(action, subject), $"{role} should {action} {subject}");
        foreach (var action in denied.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.False(set.Can(action, subject), $"{role} should not {action} {subject}");
    }

    [Fact]
    public void OrgRolesNameOneActionPerRule()
    {
        Assert.All(OrgRoles.BuiltIn("admin")!, rule => Assert.Single(rule.Actions));
        Assert.Equal("""[{"action":"read","inverted":false,"subject":"identity"}]""",
            PermissionSet.Build([OrgRoles.BuiltIn("member")!]).DenialDetails("read", "identity").ToJsonString());
        Assert.True(OrgRoles.IsBuiltIn("no-access"));
        Assert.False(OrgRoles.IsBuiltIn("viewer"));
    }
}
